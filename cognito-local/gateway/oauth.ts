/**
 * The OAuth2/OIDC endpoints a client calls directly: `/oauth2/token`,
 * `/oauth2/revoke`, `/oauth2/userInfo`, and
 * `/<pool>/.well-known/openid-configuration`.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";
import type { VerifiedAccessToken } from "./access-tokens.ts";
import type { CognitoApi } from "./api.ts";
import type { AuthorizationCodes } from "./authorization-codes.ts";
import { s256 } from "./authorize-request.ts";
import { inAwsClaimOrder } from "./claim-order.ts";
import { AwsError, toAwsError } from "./errors.ts";
import { isForm, readBody, send, sendJson } from "./http.ts";
import { claim } from "./jwt.ts";
import { refreshForTokenEndpoint } from "./operations/tokens.ts";
import { safeEqual } from "./secret-hash.ts";
import type { IssuedTokens } from "./token-issuer.ts";
import { type AppClient, attribute, type Upstream, type User } from "./upstream.ts";

export interface OAuthOptions {
  upstream: Upstream;
  api: CognitoApi;
  codes: AuthorizationCodes;
  publicUrl: string;
}

/** An error in the OAuth2 JSON shape: `{ error, error_description }`. */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

// CORS headers (and preflights) are the gateway's, for the app's origin only: see cors.ts.
const NO_STORE: OutgoingHttpHeaders = { "Cache-Control": "no-store", Pragma: "no-cache" };
/** RFC 7636: 43–128 characters of [A-Za-z0-9-._~]. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const OPENID_CONFIGURATION = /^\/([^/]+)\/\.well-known\/openid-configuration$/;

export class OAuthEndpoints {
  constructor(private readonly o: OAuthOptions) {}

  /** Handles the request when the path is one of these endpoints; false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (path === "/oauth2/token") {
      await this.oauth(req, res, (form) => this.token(req, res, form));
      return true;
    }
    if (path === "/oauth2/revoke") {
      await this.oauth(req, res, (form) => this.revoke(req, res, form));
      return true;
    }
    if (path === "/oauth2/userInfo" && (req.method === "GET" || req.method === "POST")) {
      await this.userInfo(req, res);
      return true;
    }
    const wellKnown = req.method === "GET" ? OPENID_CONFIGURATION.exec(path) : null;
    if (wellKnown) {
      await this.openidConfiguration(res, decodeURIComponent(wellKnown[1]!));
      return true;
    }
    return false;
  }

  /** POST + form body, errors answered as OAuth2 JSON. */
  private async oauth(req: IncomingMessage, res: ServerResponse, handler: (form: URLSearchParams) => Promise<void>) {
    try {
      if (req.method !== "POST") throw new OAuthError(405, "invalid_request", "use POST");
      if (!isForm(req))
        throw new OAuthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
      await handler(new URLSearchParams((await readBody(req)).toString("utf8")));
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      const headers: OutgoingHttpHeaders = { ...NO_STORE };
      if (error.status === 401) headers["WWW-Authenticate"] = 'Basic realm="cognito-local"';
      if (error.status === 405) headers.Allow = "POST";
      sendJson(res, error.status, { error: error.error, error_description: error.description }, headers);
    }
  }

  /**
   * Client authentication: `client_secret_basic` (HTTP Basic) or
   * `client_secret_post` (form fields), checked against the client's secret.
   * A public client identifies itself with `client_id` alone.
   */
  private async authenticateClient(req: IncomingMessage, form: URLSearchParams): Promise<AppClient> {
    let clientId = form.get("client_id");
    let secret = form.get("client_secret");
    const authorization = req.headers.authorization ?? "";
    if (/^basic /i.test(authorization)) {
      if (secret !== null) throw new OAuthError(400, "invalid_request", "use one client authentication method");
      const decoded = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0) throw new OAuthError(401, "invalid_client", "malformed Basic credentials");
      const basicId = formDecode(decoded.slice(0, colon));
      if (clientId !== null && clientId !== basicId) throw new OAuthError(401, "invalid_client", "client_id mismatch");
      clientId = basicId;
      secret = formDecode(decoded.slice(colon + 1));
    }
    if (!clientId) throw new OAuthError(401, "invalid_client", "client authentication is required");
    let client: AppClient;
    try {
      client = await this.o.upstream.client(clientId);
    } catch (error) {
      if (toAwsError(error).type === "ResourceNotFoundException") {
        throw new OAuthError(401, "invalid_client", "client authentication failed");
      }
      throw error;
    }
    if (client.ClientSecret && (secret === null || !safeEqual(secret, client.ClientSecret))) {
      throw new OAuthError(401, "invalid_client", "client authentication failed");
    }
    return client;
  }

  private async token(req: IncomingMessage, res: ServerResponse, form: URLSearchParams) {
    const grantType = form.get("grant_type");
    if (!grantType) throw new OAuthError(400, "invalid_request", "grant_type is required");
    const client = await this.authenticateClient(req, form);
    if (grantType === "authorization_code") return this.codeGrant(res, client, form);
    if (grantType === "refresh_token") return this.refreshGrant(res, client, form);
    if (grantType === "client_credentials") return this.clientCredentialsGrant(res, client, form);
    throw new OAuthError(400, "unsupported_grant_type", `grant_type ${grantType} is not supported`);
  }

  /**
   * A token for the client itself (machine to machine). AWS: the client must
   * be allowed the grant (which needs a secret); `scope` may name any of the
   * custom scopes the client is allowed — none named means all of them — and
   * one it is not allowed is an error, while a scope since deleted from its
   * resource server is left out.
   */
  private async clientCredentialsGrant(res: ServerResponse, client: AppClient, form: URLSearchParams) {
    if (!client.AllowedOAuthFlowsUserPoolClient || !(client.AllowedOAuthFlows ?? []).includes("client_credentials")) {
      throw new OAuthError(400, "unauthorized_client", "the client is not allowed the client_credentials grant");
    }
    const allowed = client.AllowedOAuthScopes ?? [];
    const requested = (form.get("scope") ?? "").split(" ").filter(Boolean);
    const refused = requested.find((scope) => !allowed.includes(scope));
    if (refused !== undefined)
      throw new OAuthError(400, "invalid_scope", `scope ${refused} is not allowed for this client`);
    const resourceServers = this.o.api.context.stores.resourceServers;
    const granted = [...new Set(requested.length > 0 ? requested : allowed)].filter((scope) =>
      resourceServers.hasScope(client.UserPoolId, scope),
    );
    if (granted.length === 0) throw new OAuthError(400, "invalid_scope", "no custom scope can be granted");
    const { AccessToken, ExpiresIn } = this.o.api.context.issuer.issueForClient(client, granted);
    sendJson(res, 200, { access_token: AccessToken, expires_in: ExpiresIn, token_type: "Bearer" }, NO_STORE);
  }

  private async codeGrant(res: ServerResponse, client: AppClient, form: URLSearchParams) {
    if (!client.AllowedOAuthFlowsUserPoolClient || !(client.AllowedOAuthFlows ?? []).includes("code")) {
      throw new OAuthError(400, "unauthorized_client", "the client is not allowed the authorization code grant");
    }
    const code = form.get("code");
    const redirectUri = form.get("redirect_uri");
    const verifier = form.get("code_verifier");
    if (!code) throw new OAuthError(400, "invalid_request", "code is required");
    if (!redirectUri) throw new OAuthError(400, "invalid_request", "redirect_uri is required");
    // Consumed whatever happens next: a code is good for one attempt.
    const grant = this.o.codes.consume(code);
    if (!grant)
      throw new OAuthError(400, "invalid_grant", "the authorization code is invalid, expired or already used");
    if (grant.clientId !== client.ClientId)
      throw new OAuthError(400, "invalid_grant", "the code was issued to another client");
    if (grant.redirectUri !== redirectUri)
      throw new OAuthError(400, "invalid_grant", "redirect_uri does not match the authorization request");
    // PKCE, when the authorization request used it (AWS makes it optional).
    if (grant.codeChallenge !== undefined) {
      if (!verifier) throw new OAuthError(400, "invalid_request", "code_verifier is required (PKCE)");
      if (!CODE_VERIFIER.test(verifier) || !safeEqual(s256(verifier), grant.codeChallenge)) {
        throw new OAuthError(400, "invalid_grant", "code_verifier does not match the code_challenge");
      }
    }
    let tokens: IssuedTokens;
    try {
      tokens = await this.o.api.context.issuer.exchangeCode(client, grant.refreshToken, grant);
    } catch (error) {
      const e = toAwsError(error);
      if (e.status < 500) throw new OAuthError(400, "invalid_grant", e.message);
      throw e;
    }
    sendJson(res, 200, tokenResponse(tokens), NO_STORE);
  }

  private async refreshGrant(res: ServerResponse, client: AppClient, form: URLSearchParams) {
    const refreshToken = form.get("refresh_token");
    if (!refreshToken) throw new OAuthError(400, "invalid_request", "refresh_token is required");
    let result;
    try {
      result = await refreshForTokenEndpoint(this.o.api.context, client, refreshToken, { tokenEndpoint: true });
    } catch (error) {
      const e = toAwsError(error);
      if (e.type === "NotAuthorizedException" || e.type === "RefreshTokenReuseException") {
        throw new OAuthError(400, "invalid_grant", e.message);
      }
      throw e;
    }
    // A refresh_token only when the client rotates refresh tokens.
    sendJson(res, 200, tokenResponse(result.AuthenticationResult ?? {}), NO_STORE);
  }

  /**
   * RFC 7009: 200 with an empty body, also for a token that is unknown or
   * already revoked; a token issued to another client is left alone.
   */
  private async revoke(req: IncomingMessage, res: ServerResponse, form: URLSearchParams) {
    const token = form.get("token");
    if (!token) throw new OAuthError(400, "invalid_request", "token is required");
    const client = await this.authenticateClient(req, form);
    const { families } = this.o.api.context.stores;
    // Made-up tokens leave no trace: only a family the gateway issued is marked.
    const found = families.lookup(token);
    if (found && found.family.clientId === client.ClientId) families.revoke(found.family.id);
    send(res, 200, "", NO_STORE);
  }

  /**
   * The user's attributes for a valid access token with the `openid` scope,
   * as far as its scopes reach (AWS: "openid" alone, every attribute the
   * client can read; with "profile", "email" or "phone", those attributes
   * only, besides `sub` and `username`). Values are strings, the verified
   * flags too, as AWS answers them.
   */
  private async userInfo(req: IncomingMessage, res: ServerResponse) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    if (!match) {
      return sendJson(
        res,
        401,
        { error: "invalid_request", error_description: "Bearer access token required" },
        { "WWW-Authenticate": 'Bearer realm="cognito-local"' },
      );
    }
    const refuse = (description: string) =>
      sendJson(
        res,
        401,
        { error: "invalid_token", error_description: description },
        { "WWW-Authenticate": `Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"` },
      );
    let verified: VerifiedAccessToken;
    let user: User | null;
    let client: AppClient;
    try {
      verified = await this.o.api.context.accessTokens.verify(match[1], { scope: null });
      client = await this.o.upstream.client(claim(verified.jwt, "client_id"));
      user = await this.o.upstream.user(verified.poolId, verified.username);
    } catch (error) {
      const e = toAwsError(error);
      if (e.status >= 500) throw e;
      return refuse(e.message);
    }
    const scopes = (claim(verified.jwt, "scope") ?? "").split(" ");
    // AWS: "Because they don't contain any scopes, the userInfo endpoint doesn't accept these access tokens."
    if (!scopes.includes("openid")) return refuse("Access token does not contain openid scope");
    if (!user || user.Enabled === false) return refuse("User does not exist.");
    sendJson(res, 200, userInfoClaims(user, scopes, client.ReadAttributes), NO_STORE);
  }

  /**
   * The pool's OpenID Provider metadata: the members AWS publishes (in its
   * alphabetical order), pointing at the gateway. (AWS lists `token` among
   * the response types too; the gateway has no implicit grant.)
   */
  private async openidConfiguration(res: ServerResponse, poolId: string) {
    try {
      await this.o.upstream.pool(poolId);
    } catch (error) {
      if (error instanceof AwsError && error.type === "ResourceNotFoundException") {
        return sendJson(res, 404, { message: error.message });
      }
      throw error;
    }
    const base = this.o.publicUrl;
    const issuer = `${base}/${poolId}`;
    sendJson(res, 200, {
      authorization_endpoint: `${base}/oauth2/authorize`,
      end_session_endpoint: `${base}/logout`,
      id_token_signing_alg_values_supported: ["RS256"],
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ["code"],
      revocation_endpoint: `${base}/oauth2/revoke`,
      scopes_supported: ["openid", "email", "phone", "profile"],
      subject_types_supported: ["public"],
      token_endpoint: `${base}/oauth2/token`,
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      userinfo_endpoint: `${base}/oauth2/userInfo`,
    });
  }
}

/** The token endpoint's answer: an ID token only when `openid` was granted, a refresh token only when one is issued. */
function tokenResponse(tokens: AuthenticationResultType) {
  return {
    access_token: tokens.AccessToken,
    ...(tokens.IdToken ? { id_token: tokens.IdToken } : {}),
    ...(tokens.RefreshToken ? { refresh_token: tokens.RefreshToken } : {}),
    token_type: "Bearer",
    expires_in: tokens.ExpiresIn,
  };
}

/** AWS: what "openid profile" returns besides custom attributes. */
const PROFILE_ATTRIBUTES = new Set([
  "name",
  "family_name",
  "given_name",
  "middle_name",
  "nickname",
  "preferred_username",
  "profile",
  "picture",
  "website",
  "gender",
  "birthdate",
  "zoneinfo",
  "locale",
  "updated_at",
]);

function userInfoClaims(user: User, scopes: string[], readable: string[] | undefined): Record<string, unknown> {
  const everything = !scopes.some((s) => s === "profile" || s === "email" || s === "phone");
  const inScope = (name: string) =>
    everything ||
    (scopes.includes("profile") && (PROFILE_ATTRIBUTES.has(name) || name.startsWith("custom:"))) ||
    (scopes.includes("email") && (name === "email" || name === "email_verified")) ||
    (scopes.includes("phone") && (name === "phone_number" || name === "phone_number_verified"));
  const claims: Record<string, unknown> = { sub: attribute(user, "sub") };
  for (const { Name: name, Value: value } of user.UserAttributes ?? []) {
    if (!name || value === undefined || name === "sub" || !inScope(name)) continue;
    if (readable && readable.length > 0 && !readable.includes(name)) continue;
    claims[name] = value;
  }
  claims.username = user.Username;
  return inAwsClaimOrder(claims);
}

/** Basic credentials are form-encoded (RFC 6749 §2.3.1); most clients send them raw. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
