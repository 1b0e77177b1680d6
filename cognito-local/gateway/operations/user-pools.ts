/**
 * User pools: `CreateUserPool`, `UpdateUserPool`, `DescribeUserPool` (the
 * feature plan and the sign-in policy, checked and shown as AWS does) and
 * `SetUserPoolMfaConfig` / `GetUserPoolMfaConfig` (the passkey settings):
 * what cognito-local drops is kept in the gateway's PoolSettings.
 */
import type {
  UserPoolTierType,
  UserPoolType,
  WebAuthnConfigurationType,
} from "@aws-sdk/client-cognito-identity-provider";
import { AwsError, validationError } from "../errors.ts";
import { allowedFirstFactors, FIRST_FACTORS, type PoolSettings } from "../pool-settings.ts";
import type { Handler, OperationTable } from "./operation.ts";
import { page } from "./pages.ts";

const createUserPool: Handler<"CreateUserPool"> = async (input, ctx) => {
  const tier = parseTier(input.UserPoolTier);
  checkSignInPolicy(input.Policies);
  const result = await ctx.up.call("CreateUserPool", input);
  const poolId = result.UserPool?.Id;
  if (poolId && tier) ctx.stores.settings.setTier(poolId, tier);
  return result.UserPool ? { ...result, UserPool: withPoolDefaults(ctx.stores.settings, result.UserPool) } : result;
};

const updateUserPool: Handler<"UpdateUserPool"> = async (input, ctx) => {
  const tier = parseTier(input.UserPoolTier);
  checkSignInPolicy(input.Policies);
  const result = await ctx.up.call("UpdateUserPool", input);
  if (tier) ctx.stores.settings.setTier(String(input.UserPoolId), tier);
  return result;
};

const describeUserPool: Handler<"DescribeUserPool"> = async (input, ctx) => {
  const result = await ctx.up.call("DescribeUserPool", input);
  return result.UserPool ? { ...result, UserPool: withPoolDefaults(ctx.stores.settings, result.UserPool) } : result;
};

function withPoolDefaults(settings: PoolSettings, pool: UserPoolType): UserPoolType {
  const id = pool.Id ?? "";
  return {
    ...pool,
    UserPoolTier: settings.tier(id),
    Policies: {
      ...pool.Policies,
      SignInPolicy: { AllowedFirstAuthFactors: allowedFirstFactors(pool) },
    },
  };
}

const setUserPoolMfaConfig: Handler<"SetUserPoolMfaConfig"> = async (input, ctx) => {
  const webAuthn = parseWebAuthnConfiguration(input.WebAuthnConfiguration);
  const { WebAuthnConfiguration: _, ...forward } = input;
  const result = await ctx.up.call("SetUserPoolMfaConfig", forward);
  const poolId = String(input.UserPoolId);
  if (webAuthn) ctx.stores.settings.setWebAuthn(poolId, webAuthn);
  return { ...result, WebAuthnConfiguration: webAuthnResponse(ctx.stores.settings, poolId) };
};

const getUserPoolMfaConfig: Handler<"GetUserPoolMfaConfig"> = async (input, ctx) => {
  const result = await ctx.up.call("GetUserPoolMfaConfig", input);
  return { ...result, WebAuthnConfiguration: webAuthnResponse(ctx.stores.settings, String(input.UserPoolId)) };
};

/** What AWS shows: the relying party only when one was set; user verification always. */
function webAuthnResponse(settings: PoolSettings, poolId: string): WebAuthnConfigurationType {
  const stored = settings.storedWebAuthn(poolId);
  return {
    ...(stored?.RelyingPartyId ? { RelyingPartyId: stored.RelyingPartyId } : {}),
    UserVerification: stored?.UserVerification ?? "preferred",
    ...(stored?.FactorConfiguration ? { FactorConfiguration: stored.FactorConfiguration } : {}),
  };
}

function parseTier(value: unknown): UserPoolTierType | undefined {
  if (value === undefined) return undefined;
  if (value === "LITE" || value === "ESSENTIALS" || value === "PLUS") return value;
  throw validationError(value, "userPoolTier", "Member must satisfy enum value set: [LITE, ESSENTIALS, PLUS]");
}

/** AllowedFirstAuthFactors: 1–4 known factors, PASSWORD always among them (it can't be turned off). */
function checkSignInPolicy(policies: unknown): void {
  const factors = (policies as { SignInPolicy?: { AllowedFirstAuthFactors?: unknown } } | undefined)?.SignInPolicy
    ?.AllowedFirstAuthFactors;
  if (factors === undefined) return;
  const at = "policies.signInPolicy.allowedFirstAuthFactors";
  if (!Array.isArray(factors) || factors.length < 1 || factors.length > 4) {
    throw validationError(factors, at, "Member must have length between 1 and 4");
  }
  for (const factor of factors) {
    if (!FIRST_FACTORS.includes(factor)) {
      throw validationError(factors, at, `Member must satisfy enum value set: [${FIRST_FACTORS.join(", ")}]`);
    }
  }
  if (!factors.includes("PASSWORD")) {
    throw new AwsError("InvalidParameterException", "PASSWORD is a required first authentication factor.");
  }
}

function parseWebAuthnConfiguration(value: unknown): WebAuthnConfigurationType | undefined {
  if (value === undefined) return undefined;
  if (!value || typeof value !== "object")
    throw validationError(value, "webAuthnConfiguration", "Member must be an object");
  const { RelyingPartyId, UserVerification, FactorConfiguration } = value as Record<string, unknown>;
  if (RelyingPartyId !== undefined && (typeof RelyingPartyId !== "string" || !isHostName(RelyingPartyId))) {
    throw validationError(RelyingPartyId, "webAuthnConfiguration.relyingPartyId", "Member must be a domain name");
  }
  if (UserVerification !== undefined && UserVerification !== "required" && UserVerification !== "preferred") {
    throw validationError(
      UserVerification,
      "webAuthnConfiguration.userVerification",
      "Member must satisfy enum value set: [required, preferred]",
    );
  }
  if (
    FactorConfiguration !== undefined &&
    FactorConfiguration !== "SINGLE_FACTOR" &&
    FactorConfiguration !== "MULTI_FACTOR_WITH_USER_VERIFICATION"
  ) {
    throw validationError(
      FactorConfiguration,
      "webAuthnConfiguration.factorConfiguration",
      "Member must satisfy enum value set: [SINGLE_FACTOR, MULTI_FACTOR_WITH_USER_VERIFICATION]",
    );
  }
  return value as WebAuthnConfigurationType;
}

/** A relying party ID is a bare host name: no scheme, port, path or upper case. */
function isHostName(value: string): boolean {
  return (
    value.length <= 253 &&
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(value)
  );
}

/** ListUserPools: MaxResults is required (1…60), and the list pages. */
const listUserPools: Handler<"ListUserPools"> = async (input, ctx) => {
  const { MaxResults, NextToken } = input;
  if (MaxResults === undefined || MaxResults === null) {
    throw validationError(null, "maxResults", "Member must not be null");
  }
  const { UserPools = [] } = await ctx.up.call("ListUserPools", { MaxResults: 60 }); // (cognito-local answers them all)
  const { items, next } = page(UserPools, MaxResults, NextToken, {
    limitName: "maxResults",
    min: 1,
    default: 60,
    listKey: "pools",
    keyOf: (p) => p.Id ?? "",
  });
  return { UserPools: items, ...(next ? { NextToken: next } : {}) };
};

export const userPoolOperations = {
  CreateUserPool: createUserPool,
  UpdateUserPool: updateUserPool,
  DescribeUserPool: describeUserPool,
  SetUserPoolMfaConfig: setUserPoolMfaConfig,
  GetUserPoolMfaConfig: getUserPoolMfaConfig,
  ListUserPools: listUserPools,
} satisfies OperationTable;
