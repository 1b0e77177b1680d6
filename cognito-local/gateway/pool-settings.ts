/**
 * User pool and app client settings that cognito-local 5.3.0 drops but the
 * choice-based sign-in depends on, kept durably by the gateway and merged
 * into the answers as AWS gives them:
 *
 * - the pool's feature plan (`UserPoolTier`: LITE, ESSENTIALS — AWS's default
 *   for new pools — or PLUS) on Create/Update/DescribeUserPool;
 * - the pool's `WebAuthnConfiguration` (relying party, user verification) on
 *   Set/GetUserPoolMfaConfig;
 * - the client's `RefreshTokenRotation` on Create/Update/DescribeUserPoolClient.
 *
 * `Policies.SignInPolicy` needs no keeping: cognito-local stores `Policies`
 * whole. The gateway checks it as AWS does and fills in AWS's default
 * (`["PASSWORD"]`) where it is absent.
 */
import type {
  RefreshTokenRotationType,
  UserPoolTierType,
  UserPoolType,
  WebAuthnConfigurationType,
} from "@aws-sdk/client-cognito-identity-provider";
import { AwsError } from "./errors.ts";
import { JsonStore } from "./json-store.ts";
import type { Upstream } from "./upstream.ts";

type Body = Record<string, unknown>;

/** The first factors AWS knows (`AuthFactorType` minus SOFTWARE_TOKEN, which is MFA only). */
export const FIRST_FACTORS = ["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"] as const;
export type FirstFactor = (typeof FIRST_FACTORS)[number];

/** Where a pool sets no relying party, locally: AWS would use the pool's domain. */
export const DEFAULT_RELYING_PARTY_ID = "localhost";

interface PoolEntry {
  tier?: UserPoolTierType;
  webAuthn?: WebAuthnConfigurationType;
}

interface SettingsDocument {
  pools: Record<string, PoolEntry>;
  clients: Record<string, { refreshTokenRotation?: RefreshTokenRotationType }>;
}

export class PoolSettings {
  private readonly store: JsonStore<SettingsDocument>;

  constructor(
    private readonly up: Upstream,
    stateDir: string | undefined,
  ) {
    this.store = new JsonStore<SettingsDocument>(stateDir, "pool-settings.json", () => ({ pools: {}, clients: {} }));
  }

  /** The pool's feature plan (ESSENTIALS unless set otherwise, as for new pools on AWS). */
  tier(poolId: string): UserPoolTierType {
    return this.store.data.pools[poolId]?.tier ?? "ESSENTIALS";
  }

  /** The pool's passkey settings, with the local defaults filled in. */
  webAuthn(poolId: string): { relyingPartyId: string; userVerification: "required" | "preferred" } {
    const config = this.store.data.pools[poolId]?.webAuthn;
    return {
      relyingPartyId: config?.RelyingPartyId ?? DEFAULT_RELYING_PARTY_ID,
      userVerification: config?.UserVerification === "required" ? "required" : "preferred",
    };
  }

  /** The client's refresh-token rotation (disabled unless set). */
  rotation(clientId: string): { enabled: boolean; graceSeconds: number } {
    const rotation = this.store.data.clients[clientId]?.refreshTokenRotation;
    return { enabled: rotation?.Feature === "ENABLED", graceSeconds: rotation?.RetryGracePeriodSeconds ?? 0 };
  }

  // --- operations ---------------------------------------------------------------

  /** Answers the operation when it carries settings the gateway keeps; undefined otherwise. */
  async dispatch(operation: string, body: Body): Promise<unknown> {
    switch (operation) {
      case "CreateUserPool":
        return this.createUserPool(body);
      case "UpdateUserPool":
        return this.updateUserPool(body);
      case "DescribeUserPool":
        return this.describeUserPool(body);
      case "SetUserPoolMfaConfig":
        return this.setMfaConfig(body);
      case "GetUserPoolMfaConfig":
        return this.getMfaConfig(body);
      case "CreateUserPoolClient":
      case "UpdateUserPoolClient":
        return this.saveClient(operation, body);
      case "DescribeUserPoolClient":
        return this.describeClient(body);
      default:
        return undefined;
    }
  }

  private async createUserPool(body: Body) {
    const tier = parseTier(body.UserPoolTier);
    checkSignInPolicy(body.Policies);
    const result = await this.up.call<{ UserPool?: UserPoolType }>("CreateUserPool", body);
    const poolId = result.UserPool?.Id;
    if (poolId && tier)
      this.store.update((d) => {
        d.pools[poolId] = { ...d.pools[poolId], tier };
      });
    return result.UserPool ? { ...result, UserPool: this.withPoolDefaults(result.UserPool) } : result;
  }

  private async updateUserPool(body: Body) {
    const tier = parseTier(body.UserPoolTier);
    checkSignInPolicy(body.Policies);
    const result = await this.up.call("UpdateUserPool", body);
    const poolId = String(body.UserPoolId);
    if (tier)
      this.store.update((d) => {
        d.pools[poolId] = { ...d.pools[poolId], tier };
      });
    return result;
  }

  private async describeUserPool(body: Body) {
    const result = await this.up.call<{ UserPool?: UserPoolType }>("DescribeUserPool", body);
    return result.UserPool ? { ...result, UserPool: this.withPoolDefaults(result.UserPool) } : result;
  }

  private withPoolDefaults(pool: UserPoolType): UserPoolType {
    const id = pool.Id ?? "";
    return {
      ...pool,
      UserPoolTier: this.tier(id),
      Policies: {
        ...pool.Policies,
        SignInPolicy: { AllowedFirstAuthFactors: allowedFirstFactors(pool) },
      },
    };
  }

  private async setMfaConfig(body: Body) {
    const webAuthn = parseWebAuthnConfiguration(body.WebAuthnConfiguration);
    const { WebAuthnConfiguration: _, ...forward } = body;
    const result = await this.up.call<Body>("SetUserPoolMfaConfig", forward);
    const poolId = String(body.UserPoolId);
    if (webAuthn)
      this.store.update((d) => {
        d.pools[poolId] = { ...d.pools[poolId], webAuthn };
      });
    return { ...result, WebAuthnConfiguration: this.webAuthnResponse(poolId) };
  }

  private async getMfaConfig(body: Body) {
    const result = await this.up.call<Body>("GetUserPoolMfaConfig", body);
    return { ...result, WebAuthnConfiguration: this.webAuthnResponse(String(body.UserPoolId)) };
  }

  /** What AWS shows: the relying party only when one was set; user verification always. */
  private webAuthnResponse(poolId: string): WebAuthnConfigurationType {
    const stored = this.store.data.pools[poolId]?.webAuthn;
    return {
      ...(stored?.RelyingPartyId ? { RelyingPartyId: stored.RelyingPartyId } : {}),
      UserVerification: stored?.UserVerification ?? "preferred",
      ...(stored?.FactorConfiguration ? { FactorConfiguration: stored.FactorConfiguration } : {}),
    };
  }

  /**
   * Keeps `RefreshTokenRotation`. Like cognito-local's own update (and
   * unlike AWS, which resets what an update omits), an update without it
   * keeps the current setting.
   */
  private async saveClient(operation: "CreateUserPoolClient" | "UpdateUserPoolClient", body: Body) {
    const rotation = parseRotation(body.RefreshTokenRotation);
    const { RefreshTokenRotation: _, ...forward } = body;
    const result = await this.up.call<{ UserPoolClient?: { ClientId?: string } }>(operation, forward);
    const clientId = result.UserPoolClient?.ClientId ?? String(body.ClientId ?? "");
    if (rotation && clientId) {
      this.store.update((d) => {
        d.clients[clientId] = { refreshTokenRotation: rotation };
      });
    }
    return result.UserPoolClient
      ? { ...result, UserPoolClient: this.withClientSettings(result.UserPoolClient) }
      : result;
  }

  private async describeClient(body: Body) {
    const result = await this.up.call<{ UserPoolClient?: { ClientId?: string } }>("DescribeUserPoolClient", body);
    return result.UserPoolClient
      ? { ...result, UserPoolClient: this.withClientSettings(result.UserPoolClient) }
      : result;
  }

  private withClientSettings<T extends { ClientId?: string }>(client: T): T {
    const rotation = this.store.data.clients[client.ClientId ?? ""]?.refreshTokenRotation;
    return rotation ? { ...client, RefreshTokenRotation: rotation } : client;
  }
}

/** The pool's allowed first factors (AWS's default when the policy sets none: password only). */
export function allowedFirstFactors(pool: UserPoolType): FirstFactor[] {
  const factors = pool.Policies?.SignInPolicy?.AllowedFirstAuthFactors;
  return factors && factors.length > 0 ? (factors as FirstFactor[]) : ["PASSWORD"];
}

/** AWS's shape for a request that fails its input constraints. */
function validationError(value: unknown, at: string, constraint: string): AwsError {
  return new AwsError(
    "InvalidParameterException",
    `1 validation error detected: Value '${JSON.stringify(value)}' at '${at}' failed to satisfy constraint: ${constraint}`,
  );
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

function parseRotation(value: unknown): RefreshTokenRotationType | undefined {
  if (value === undefined) return undefined;
  const { Feature, RetryGracePeriodSeconds } = (value ?? {}) as Record<string, unknown>;
  if (Feature !== "ENABLED" && Feature !== "DISABLED") {
    throw validationError(
      Feature,
      "refreshTokenRotation.feature",
      "Member must satisfy enum value set: [ENABLED, DISABLED]",
    );
  }
  if (
    RetryGracePeriodSeconds !== undefined &&
    (typeof RetryGracePeriodSeconds !== "number" ||
      !Number.isInteger(RetryGracePeriodSeconds) ||
      RetryGracePeriodSeconds < 0 ||
      RetryGracePeriodSeconds > 60)
  ) {
    throw validationError(
      RetryGracePeriodSeconds,
      "refreshTokenRotation.retryGracePeriodSeconds",
      "Member must have value between 0 and 60",
    );
  }
  return {
    Feature,
    ...(RetryGracePeriodSeconds !== undefined ? { RetryGracePeriodSeconds: RetryGracePeriodSeconds as number } : {}),
  };
}
