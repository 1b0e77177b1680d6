/**
 * What `CreateIdentityProvider` and `UpdateIdentityProvider` accept, per
 * provider type, as the API reference describes `ProviderDetails`,
 * `AttributeMapping` and `IdpIdentifiers`; and the details as Describe shows
 * them, with the fields AWS fills in (`authorize_url`, `token_url`,
 * `attributes_url`, `oidc_issuer`, …). Pure: the one network look-up (an
 * OIDC issuer's discovery document) is given to it.
 */
import { AwsError } from "../errors.ts";

export const PROVIDER_TYPES = ["SAML", "Facebook", "Google", "LoginWithAmazon", "SignInWithApple", "OIDC"] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** Types the emulator signs in with end to end; the others are stored and validated only. */
export const EMULATED_TYPES: readonly ProviderType[] = ["Google", "OIDC"];

const SOCIAL_TYPES: readonly ProviderType[] = ["Facebook", "Google", "LoginWithAmazon", "SignInWithApple"];

/** The endpoints a sign-in uses, resolved once (from the details, discovery, or the Google stand-in). */
export interface ProviderEndpoints {
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** userinfo; absent when the provider has none. */
  attributesUrl?: string;
  jwksUri: string;
}

/** The part of an OpenID discovery document the emulator reads. */
export interface Discovery {
  issuer?: unknown;
  authorization_endpoint?: unknown;
  token_endpoint?: unknown;
  userinfo_endpoint?: unknown;
  jwks_uri?: unknown;
}

function invalid(message: string): never {
  throw new AwsError("InvalidParameterException", message);
}

/** ProviderName: 1 to 32 characters, no leading or trailing `_` or space (API reference pattern). */
export function checkProviderName(name: unknown, type: ProviderType): string {
  if (
    typeof name !== "string" ||
    !/^[^_\p{Z}](?:[\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]*)?$/u.test(name) ||
    name.length > 32
  ) {
    invalid(
      "1 validation error detected: Value at 'providerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+",
    );
  }
  if (SOCIAL_TYPES.includes(type) && name !== type) invalid(`ProviderName must be ${type} for ProviderType ${type}.`);
  if (!SOCIAL_TYPES.includes(type) && (SOCIAL_TYPES as readonly string[]).concat("COGNITO", "Cognito").includes(name)) {
    invalid(`ProviderName ${name} is reserved.`);
  }
  return name;
}

export function checkProviderType(type: unknown): ProviderType {
  if (!(PROVIDER_TYPES as readonly unknown[]).includes(type)) {
    invalid(
      `1 validation error detected: Value '${String(type)}' at 'providerType' failed to satisfy constraint: Member must satisfy enum value set: [${PROVIDER_TYPES.join(", ")}]`,
    );
  }
  return type as ProviderType;
}

/** What each type requires and may carry in a create or update request. */
const KEYS: Record<ProviderType, { required: string[]; optional: string[] }> = {
  Google: { required: ["client_id", "client_secret", "authorize_scopes"], optional: [] },
  Facebook: { required: ["client_id", "client_secret", "authorize_scopes"], optional: ["api_version"] },
  LoginWithAmazon: { required: ["client_id", "client_secret", "authorize_scopes"], optional: [] },
  SignInWithApple: { required: ["client_id", "team_id", "key_id", "private_key", "authorize_scopes"], optional: [] },
  OIDC: {
    required: ["client_id", "client_secret", "authorize_scopes", "attributes_request_method", "oidc_issuer"],
    optional: ["authorize_url", "token_url", "attributes_url", "jwks_uri"],
  },
  SAML: {
    required: [],
    optional: ["MetadataURL", "MetadataFile", "IDPSignout", "IDPInit", "EncryptedResponses", "RequestSigningAlgorithm"],
  },
};

/** Fields Cognito fills in and shows on Describe: accepted back in an update (a Describe result sent as is). */
const DERIVED = [
  "attributes_url",
  "attributes_url_add_attributes",
  "authorize_url",
  "oidc_issuer",
  "token_request_method",
  "token_url",
  "jwks_uri",
  "ActiveEncryptionCertificate",
  "SLORedirectBindingURI",
  "SSORedirectBindingURI",
];

/** The details a request gave, checked for its type; the keys Cognito derives are dropped (they are derived again). */
export function checkDetails(type: ProviderType, details: unknown): Record<string, string> {
  if (!details || typeof details !== "object" || Array.isArray(details)) invalid("ProviderDetails is required.");
  const given = details as Record<string, unknown>;
  const { required, optional } = KEYS[type];
  const checked: Record<string, string> = {};
  for (const [key, value] of Object.entries(given)) {
    if (typeof value !== "string") invalid(`ProviderDetails ${key} must be a string.`);
    if (required.includes(key) || optional.includes(key)) checked[key] = value;
    else if (!DERIVED.includes(key)) invalid(`${key} is not a valid provider detail for ${type}.`);
  }
  for (const key of required) {
    if (!checked[key]?.trim()) invalid(`${key} is required for ${type}.`);
  }
  if (type === "OIDC") {
    if (!["GET", "POST"].includes(checked.attributes_request_method!)) {
      invalid("attributes_request_method must be GET or POST.");
    }
    if (!checked.authorize_scopes!.split(/\s+/).includes("openid")) invalid("authorize_scopes must include openid.");
    for (const key of ["oidc_issuer", "authorize_url", "token_url", "attributes_url", "jwks_uri"]) {
      if (checked[key] !== undefined && !isHttpUrl(checked[key]!)) invalid(`${key} must be an http(s) URL.`);
    }
  }
  if (type === "SAML") {
    if (Boolean(checked.MetadataURL) === Boolean(checked.MetadataFile)) {
      invalid("Exactly one of MetadataURL or MetadataFile is required for SAML.");
    }
    if (checked.MetadataURL && !isHttpUrl(checked.MetadataURL)) invalid("MetadataURL must be an http(s) URL.");
    for (const key of ["IDPSignout", "IDPInit", "EncryptedResponses"]) {
      if (checked[key] !== undefined && !["true", "false"].includes(checked[key]!))
        invalid(`${key} must be true or false.`);
    }
    if (checked.RequestSigningAlgorithm !== undefined && checked.RequestSigningAlgorithm !== "rsa-sha256") {
      invalid("RequestSigningAlgorithm must be rsa-sha256.");
    }
  }
  return checked;
}

/** Pool attributes a provider's claims may be mapped to, besides `custom:…` ones. */
const STANDARD_ATTRIBUTES = [
  "address",
  "birthdate",
  "email",
  "email_verified",
  "family_name",
  "gender",
  "given_name",
  "locale",
  "middle_name",
  "name",
  "nickname",
  "phone_number",
  "phone_number_verified",
  "picture",
  "preferred_username",
  "profile",
  "updated_at",
  "username",
  "website",
  "zoneinfo",
];

export function checkAttributeMapping(mapping: unknown): Record<string, string> {
  if (mapping === undefined) return {};
  if (!mapping || typeof mapping !== "object" || Array.isArray(mapping)) invalid("AttributeMapping must be a map.");
  const checked: Record<string, string> = {};
  for (const [attribute, claim] of Object.entries(mapping as Record<string, unknown>)) {
    if (!STANDARD_ATTRIBUTES.includes(attribute) && !/^custom:[\w.-]{1,20}$/.test(attribute)) {
      invalid(`${attribute} is not a user pool attribute that can be mapped.`);
    }
    if (typeof claim !== "string" || claim.length < 1 || claim.length > 131) {
      invalid(`The provider attribute mapped to ${attribute} must be 1 to 131 characters.`);
    }
    checked[attribute] = claim;
  }
  return checked;
}

export function checkIdpIdentifiers(identifiers: unknown): string[] {
  if (identifiers === undefined) return [];
  if (!Array.isArray(identifiers) || identifiers.length > 50) invalid("IdpIdentifiers must be a list of at most 50.");
  for (const id of identifiers) {
    if (typeof id !== "string" || !/^[\w\s+=.@-]{1,40}$/.test(id)) {
      invalid(`Invalid identifier ${String(id)}: 1 to 40 letters, digits, spaces or + = . @ - _.`);
    }
  }
  if (new Set(identifiers).size !== identifiers.length) invalid("IdpIdentifiers must not repeat.");
  return identifiers as string[];
}

/** Google's endpoints, as Describe shows them on AWS. */
const GOOGLE = {
  attributes_url: "https://people.googleapis.com/v1/people/me?personFields=",
  attributes_url_add_attributes: "true",
  authorize_url: "https://accounts.google.com/o/oauth2/v2/auth",
  oidc_issuer: "https://accounts.google.com",
  token_request_method: "POST",
  token_url: "https://www.googleapis.com/oauth2/v4/token",
};

/** The details with what AWS derives, as Describe and List answer (Apple's private key left out, as AWS does). */
export function describedDetails(
  type: ProviderType,
  given: Readonly<Record<string, string>>,
  endpoints: ProviderEndpoints | undefined,
): Record<string, string> {
  switch (type) {
    case "Google":
      // The emulator's Google is the configured stand-in: show where it really goes.
      return endpoints
        ? {
            ...GOOGLE,
            ...given,
            attributes_url: endpoints.attributesUrl ?? "",
            authorize_url: endpoints.authorizeUrl,
            oidc_issuer: endpoints.issuer,
            token_url: endpoints.tokenUrl,
          }
        : { ...GOOGLE, ...given };
    case "OIDC":
      return {
        ...given,
        attributes_url_add_attributes: "false",
        ...(endpoints
          ? {
              authorize_url: endpoints.authorizeUrl,
              token_url: endpoints.tokenUrl,
              jwks_uri: endpoints.jwksUri,
              ...(endpoints.attributesUrl ? { attributes_url: endpoints.attributesUrl } : {}),
            }
          : {}),
      };
    case "Facebook": {
      const version = given.api_version ?? "v17.0";
      return {
        ...given,
        api_version: version,
        attributes_url: `https://graph.facebook.com/${version}/me?fields=`,
        attributes_url_add_attributes: "true",
        authorize_url: `https://www.facebook.com/${version}/dialog/oauth`,
        token_request_method: "GET",
        token_url: `https://graph.facebook.com/${version}/oauth/access_token`,
      };
    }
    case "LoginWithAmazon":
      return {
        ...given,
        attributes_url: "https://api.amazon.com/user/profile",
        attributes_url_add_attributes: "false",
        authorize_url: "https://www.amazon.com/ap/oa",
        token_request_method: "POST",
        token_url: "https://api.amazon.com/auth/o2/token",
      };
    case "SignInWithApple": {
      const { private_key: _hidden, ...shown } = given;
      return {
        ...shown,
        attributes_url_add_attributes: "false",
        authorize_url: "https://appleid.apple.com/auth/authorize",
        oidc_issuer: "https://appleid.apple.com",
        token_request_method: "POST",
        token_url: "https://appleid.apple.com/auth/token",
      };
    }
    case "SAML":
      return { ...given };
  }
}

/**
 * Where an OIDC provider's endpoints are: those the details name, the rest
 * from the issuer's discovery document (fetched only when something is
 * missing). AWS: "Amazon Cognito accepts the following elements when it
 * can't discover endpoint URLs from oidc_issuer".
 */
export async function resolveEndpoints(
  issuer: string,
  given: Readonly<Record<string, string>>,
  discover: (issuer: string) => Promise<Discovery>,
): Promise<ProviderEndpoints> {
  const explicit = {
    authorizeUrl: given.authorize_url,
    tokenUrl: given.token_url,
    attributesUrl: given.attributes_url,
    jwksUri: given.jwks_uri,
  };
  if (explicit.authorizeUrl && explicit.tokenUrl && explicit.jwksUri) {
    return { issuer, ...explicit } as ProviderEndpoints;
  }
  let document: Discovery;
  try {
    document = await discover(issuer);
  } catch {
    invalid("Unable to contact well-known endpoint");
  }
  const url = (value: unknown) => (typeof value === "string" && isHttpUrl(value) ? value : undefined);
  const endpoints = {
    issuer,
    authorizeUrl: explicit.authorizeUrl ?? url(document.authorization_endpoint),
    tokenUrl: explicit.tokenUrl ?? url(document.token_endpoint),
    attributesUrl: explicit.attributesUrl ?? url(document.userinfo_endpoint),
    jwksUri: explicit.jwksUri ?? url(document.jwks_uri),
  };
  if (!endpoints.authorizeUrl || !endpoints.tokenUrl || !endpoints.jwksUri) {
    invalid("The well-known endpoint does not name an authorization, token and JWKS endpoint");
  }
  return endpoints as ProviderEndpoints;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
