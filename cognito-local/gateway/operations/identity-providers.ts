/**
 * Identity providers (`Create/Describe/List/Update/DeleteIdentityProvider`,
 * `GetIdentityProviderByIdentifier`) and linking (`AdminLinkProviderForUser`,
 * `AdminDisableProviderForUser`): answered by the gateway, since
 * cognito-local has none of them, with AWS's checks per provider type
 * (federation/provider-details.ts) and its refusals for linking.
 */
import type {
  IdentityProviderType,
  ProviderDescription,
  ProviderUserIdentifierType,
} from "@aws-sdk/client-cognito-identity-provider";
import { AwsError } from "../errors.ts";
import type { Identity } from "../federation/identities.ts";
import {
  checkAttributeMapping,
  checkDetails,
  checkIdpIdentifiers,
  checkProviderName,
  checkProviderType,
  describedDetails,
  type ProviderEndpoints,
  type ProviderType,
  resolveEndpoints,
} from "../federation/provider-details.ts";
import type { StoredProvider } from "../federation/stores.ts";
import type { OperationContext } from "./context.ts";
import type { Handler, OperationTable } from "./operation.ts";

/** AWS: "The maximum number of federated identities linked to a user is five." */
const MAX_LINKS_PER_USER = 5;

async function poolOf(userPoolId: unknown, ctx: OperationContext): Promise<string> {
  if (typeof userPoolId !== "string" || !userPoolId) {
    throw new AwsError("InvalidParameterException", "Missing required parameter UserPoolId");
  }
  await ctx.up.pool(userPoolId); // ResourceNotFoundException for a pool that does not exist
  return userPoolId;
}

function providerOf(ctx: OperationContext, poolId: string, name: unknown): StoredProvider {
  const provider = typeof name === "string" ? ctx.federation.providers.get(poolId, name) : undefined;
  if (!provider) throw new AwsError("ResourceNotFoundException", `Identity provider ${String(name)} does not exist.`);
  return provider;
}

function described(poolId: string, p: StoredProvider): IdentityProviderType {
  return {
    UserPoolId: poolId,
    ProviderName: p.ProviderName,
    ProviderType: p.ProviderType,
    ProviderDetails: describedDetails(p.ProviderType, p.details, p.endpoints),
    AttributeMapping: p.AttributeMapping,
    IdpIdentifiers: p.IdpIdentifiers,
    LastModifiedDate: new Date(p.LastModifiedDate),
    CreationDate: new Date(p.CreationDate),
  };
}

function checkIdentifiersFree(ctx: OperationContext, poolId: string, identifiers: string[], name: string): void {
  for (const other of ctx.federation.providers.list(poolId)) {
    if (other.ProviderName === name) continue;
    const taken = identifiers.find((id) => other.IdpIdentifiers.includes(id));
    if (taken) {
      throw new AwsError(
        "DuplicateProviderException",
        `The identifier ${taken} is already used by ${other.ProviderName}.`,
      );
    }
  }
}

/** Where a Google or OIDC provider's sign-ins go, found now (AWS reads an OIDC issuer's discovery at create). */
async function endpointsFor(
  type: ProviderType,
  details: Record<string, string>,
  ctx: OperationContext,
): Promise<ProviderEndpoints | undefined> {
  const discover = (issuer: string) => ctx.federation.flow.discover(issuer);
  if (type === "OIDC") return resolveEndpoints(details.oidc_issuer!, details, discover);
  if (type === "Google" && ctx.federation.googleIssuer) {
    // The stand-in may not be up yet: its endpoints are read at the first sign-in then.
    return resolveEndpoints(ctx.federation.googleIssuer, {}, discover).catch(() => undefined);
  }
  return undefined;
}

const createIdentityProvider: Handler<"CreateIdentityProvider"> = async (input, ctx) => {
  const poolId = await poolOf(input.UserPoolId, ctx);
  const type = checkProviderType(input.ProviderType);
  const name = checkProviderName(input.ProviderName, type);
  const details = checkDetails(type, input.ProviderDetails);
  const mapping = checkAttributeMapping(input.AttributeMapping);
  const identifiers = checkIdpIdentifiers(input.IdpIdentifiers);
  if (ctx.federation.providers.get(poolId, name)) {
    throw new AwsError(
      "DuplicateProviderException",
      `A provider with the name ${name} already exists in this user pool.`,
    );
  }
  checkIdentifiersFree(ctx, poolId, identifiers, name);
  const now = Date.now();
  const provider: StoredProvider = {
    ProviderName: name,
    ProviderType: type,
    details,
    endpoints: await endpointsFor(type, details, ctx),
    AttributeMapping: mapping,
    IdpIdentifiers: identifiers,
    CreationDate: now,
    LastModifiedDate: now,
  };
  ctx.federation.providers.put(poolId, provider);
  return { IdentityProvider: described(poolId, provider) };
};

const describeIdentityProvider: Handler<"DescribeIdentityProvider"> = async (input, ctx) => {
  const poolId = await poolOf(input.UserPoolId, ctx);
  return { IdentityProvider: described(poolId, providerOf(ctx, poolId, input.ProviderName)) };
};

const listIdentityProviders: Handler<"ListIdentityProviders"> = async (input, ctx) => {
  const poolId = await poolOf(input.UserPoolId, ctx);
  const max = input.MaxResults ?? 60;
  if (!Number.isInteger(max) || max < 1 || max > 60) {
    throw new AwsError("InvalidParameterException", "MaxResults must be between 1 and 60.");
  }
  const all = ctx.federation.providers.list(poolId);
  const start = input.NextToken === undefined ? 0 : Number.parseInt(input.NextToken, 10);
  if (!Number.isInteger(start) || start < 0 || start > all.length) {
    throw new AwsError("InvalidParameterException", "Invalid NextToken.");
  }
  const page = all.slice(start, start + max);
  const Providers: ProviderDescription[] = page.map((p) => ({
    ProviderName: p.ProviderName,
    ProviderType: p.ProviderType,
    LastModifiedDate: new Date(p.LastModifiedDate),
    CreationDate: new Date(p.CreationDate),
  }));
  return start + max < all.length ? { Providers, NextToken: String(start + max) } : { Providers };
};

const updateIdentityProvider: Handler<"UpdateIdentityProvider"> = async (input, ctx) => {
  const poolId = await poolOf(input.UserPoolId, ctx);
  const current = providerOf(ctx, poolId, input.ProviderName);
  const details =
    input.ProviderDetails === undefined ? current.details : checkDetails(current.ProviderType, input.ProviderDetails);
  const identifiers =
    input.IdpIdentifiers === undefined ? current.IdpIdentifiers : checkIdpIdentifiers(input.IdpIdentifiers);
  checkIdentifiersFree(ctx, poolId, identifiers, current.ProviderName);
  const updated: StoredProvider = {
    ...current,
    details,
    endpoints:
      input.ProviderDetails === undefined ? current.endpoints : await endpointsFor(current.ProviderType, details, ctx),
    AttributeMapping:
      input.AttributeMapping === undefined ? current.AttributeMapping : checkAttributeMapping(input.AttributeMapping),
    IdpIdentifiers: identifiers,
    LastModifiedDate: Date.now(),
  };
  ctx.federation.providers.put(poolId, updated);
  return { IdentityProvider: described(poolId, updated) };
};

const deleteIdentityProvider: Handler<"DeleteIdentityProvider"> = async (input, ctx) => {
  const poolId = await poolOf(input.UserPoolId, ctx);
  const provider = providerOf(ctx, poolId, input.ProviderName);
  // As on AWS, app clients that still list it keep it; sign-ins through it are refused.
  ctx.federation.providers.delete(poolId, provider.ProviderName);
  return {};
};

const getIdentityProviderByIdentifier: Handler<"GetIdentityProviderByIdentifier"> = async (input, ctx) => {
  const poolId = await poolOf(input.UserPoolId, ctx);
  const provider =
    typeof input.IdpIdentifier === "string"
      ? ctx.federation.providers.byIdentifier(poolId, input.IdpIdentifier)
      : undefined;
  if (!provider) {
    throw new AwsError(
      "ResourceNotFoundException",
      `Identity provider with identifier ${String(input.IdpIdentifier)} does not exist.`,
    );
  }
  return { IdentityProvider: described(poolId, provider) };
};

/** A provider identity named by `ProviderName` + `Cognito_Subject` (Google and OIDC link on the subject). */
function sourceIdentity(ctx: OperationContext, poolId: string, source: ProviderUserIdentifierType | undefined) {
  const providerName = source?.ProviderName;
  if (!providerName || providerName.toLowerCase() === "cognito") {
    throw new AwsError("InvalidParameterException", "SourceUser must be a user of an identity provider, not Cognito.");
  }
  const provider = ctx.federation.providers.get(poolId, providerName);
  if (!provider)
    throw new AwsError(
      "InvalidParameterException",
      `The provider ${providerName} does not exist for User Pool ${poolId}`,
    );
  if (provider.ProviderType !== "SAML" && source?.ProviderAttributeName !== "Cognito_Subject") {
    throw new AwsError(
      "InvalidParameterException",
      `ProviderAttributeName must be Cognito_Subject for ${provider.ProviderType} identity providers.`,
    );
  }
  const userId = source?.ProviderAttributeValue;
  if (!userId) throw new AwsError("InvalidParameterException", "ProviderAttributeValue is required.");
  return { provider, userId };
}

const adminLinkProviderForUser: Handler<"AdminLinkProviderForUser"> = async (input, ctx) => {
  const poolId = await poolOf(input.UserPoolId, ctx);
  const { provider, userId } = sourceIdentity(ctx, poolId, input.SourceUser);
  const users = ctx.federation.users;
  const destination = input.DestinationUser;
  let upstreamUsername: string | undefined;
  if (destination?.ProviderName?.toLowerCase() === "cognito") {
    const value = destination.ProviderAttributeValue ?? "";
    upstreamUsername = (await ctx.up.user(poolId, users.byUsername(poolId, value)?.upstreamUsername ?? value))
      ?.Username;
  } else if (destination?.ProviderName) {
    upstreamUsername = users.byIdentity(
      poolId,
      destination.ProviderName,
      destination.ProviderAttributeValue ?? "",
    )?.upstreamUsername;
  }
  if (!upstreamUsername) throw new AwsError("UserNotFoundException", "User does not exist.");
  if (users.byIdentity(poolId, provider.ProviderName, userId)) {
    throw new AwsError(
      "InvalidParameterException",
      "Merging is not currently supported, provide a SourceUser that has not been signed up in order to link",
    );
  }
  if (users.linkOf(poolId, provider.ProviderName, userId)) {
    throw new AwsError("InvalidParameterException", "SourceUser is already linked to DestinationUser.");
  }
  if (users.linksTo(poolId, upstreamUsername).length >= MAX_LINKS_PER_USER) {
    throw new AwsError("LimitExceededException", "A user can have at most five linked identities.");
  }
  const identity: Identity = {
    userId,
    providerName: provider.ProviderName,
    providerType: provider.ProviderType,
    issuer: provider.ProviderType === "OIDC" ? (provider.details.oidc_issuer ?? null) : null,
    primary: false,
    dateCreated: Date.now(),
  };
  users.link({ poolId, upstreamUsername, identity });
  ctx.log(`linked ${provider.ProviderName} identity to a user of ${poolId}`);
  return {};
};

const adminDisableProviderForUser: Handler<"AdminDisableProviderForUser"> = async (input, ctx) => {
  const poolId = await poolOf(input.UserPoolId, ctx);
  const { provider, userId } = sourceIdentity(ctx, poolId, input.User);
  const users = ctx.federation.users;
  if (users.linkOf(poolId, provider.ProviderName, userId)) {
    users.unlink(poolId, provider.ProviderName, userId);
    return {};
  }
  const federated = users.byIdentity(poolId, provider.ProviderName, userId);
  if (!federated) throw new AwsError("UserNotFoundException", "User does not exist.");
  users.setProviderDisabled(poolId, federated.upstreamUsername, true);
  return {};
};

export const identityProviderOperations = {
  CreateIdentityProvider: createIdentityProvider,
  DescribeIdentityProvider: describeIdentityProvider,
  ListIdentityProviders: listIdentityProviders,
  UpdateIdentityProvider: updateIdentityProvider,
  DeleteIdentityProvider: deleteIdentityProvider,
  GetIdentityProviderByIdentifier: getIdentityProviderByIdentifier,
  AdminLinkProviderForUser: adminLinkProviderForUser,
  AdminDisableProviderForUser: adminDisableProviderForUser,
} satisfies OperationTable;
