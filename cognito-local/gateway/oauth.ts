/**
 * The OAuth2/OIDC endpoints a client calls directly: `/oauth2/token`,
 * `/oauth2/revoke`, `/oauth2/userInfo`, and
 * `/<pool>/.well-known/openid-configuration`.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { CognitoApi } from "./api.ts";
import type { AuthorizationCodes } from "./authorization-codes.ts";
import { s256 } from "./authorize-request.ts";
import { AwsError, toAwsError } from "./errors.ts";
import { isForm, readBody, send, sendJson } from "./http.ts";
import { refreshForTokenEndpoint } from "./operations/tokens.ts";
import { safeEqual } from "./secret-hash.ts";
import type { TokenRegistry } from "./token-registry.ts";
import type { AppClient, Upstream } from "./upstream.ts";

export interface OAuthOptions {
  upstream: Upstream;
  api: CognitoApi;
  codes: AuthorizationCodes;
  registry: TokenRegistry;
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
    if (!verifier) throw new OAuthError(400, "invalid_request", "code_verifier is required (PKCE)");
    if (!CODE_VERIFIER.test(verifier) || !safeEqual(s256(verifier), grant.codeChallenge)) {
      throw new OAuthError(400, "invalid_grant", "code_verifier does not match the code_challenge");
    }
    const tokens = grant.tokens;
    sendJson(
      res,
      200,
      {
        access_token: tokens.AccessToken,
        id_token: tokens.IdToken,
        refresh_token: tokens.RefreshToken,
        token_type: "Bearer",
        expires_in: tokens.ExpiresIn,
      },
      NO_STORE,
    );
  }

  private async refreshGrant(res: ServerResponse, client: AppClient, form: URLSearchParams) {
    const refreshToken = form.get("refresh_token");
    if (!refreshToken) throw new OAuthError(400, "invalid_request", "refresh_token is required");
    let result;
    try {
      result = await refreshForTokenEndpoint(this.o.api.context, client, refreshToken);
    } catch (error) {
      const e = toAwsError(error);
      if (e.type === "NotAuthorizedException" || e.type === "RefreshTokenReuseException") {
        throw new OAuthError(400, "invalid_grant", e.message);
      }
      throw e;
    }
    const tokens = result.AuthenticationResult ?? {};
    sendJson(
      res,
      200,
      {
        access_token: tokens.AccessToken,
        id_token: tokens.IdToken,
        // Only when the client rotates refresh tokens.
        ...(tokens.RefreshToken ? { refresh_token: tokens.RefreshToken } : {}),
        token_type: "Bearer",
        expires_in: tokens.ExpiresIn,
      },
      NO_STORE,
    );
  }

  /** RFC 7009: 200 with an empty body, also for a token that is unknown or already revoked. */
  private async revoke(req: IncomingMessage, res: ServerResponse, form: URLSearchParams) {
    const token = form.get("token");
    if (!token) throw new OAuthError(400, "invalid_request", "token is required");
    const client = await this.authenticateClient(req, form);
    const issuedTo = this.o.registry.clientOf(token);
    if (!issuedTo || issuedTo === client.ClientId) {
      const known = await this.o.upstream.revoke(client.ClientId, token);
      // Only a token that exists is remembered as revoked: anyone may post
      // made-up strings here, and they must not pile up in memory.
      if (known || issuedTo) this.o.registry.revokeRefreshToken(token);
    }
    send(res, 200, "", NO_STORE);
  }

  /** The user's attributes for a valid access token, as AWS returns them (values are strings). */
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
    let user: { Username?: string; UserAttributes?: Array<{ Name?: string; Value?: string }> };
    try {
      await this.o.api.context.accessTokens.verify(match[1]);
      user = await this.o.upstream.call("GetUser", { AccessToken: match[1] });
    } catch (error) {
      const e = toAwsError(error);
      if (e.status >= 500) throw e;
      const description = e.message.replace(/"/g, "'");
      return sendJson(
        res,
        401,
        { error: "invalid_token", error_description: e.message },
        { "WWW-Authenticate": `Bearer error="invalid_token", error_description="${description}"` },
      );
    }
    const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name ?? "", a.Value ?? ""]));
    const { sub, ...rest } = attributes;
    sendJson(res, 200, { sub, ...rest, username: user.Username }, NO_STORE);
  }

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
      issuer,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      userinfo_endpoint: `${base}/oauth2/userInfo`,
      revocation_endpoint: `${base}/oauth2/revoke`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
      code_challenge_methods_supported: ["S256"],
      scopes_supported: ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      id_token_signing_alg_values_supported: ["RS256"],
      subject_types_supported: ["public"],
    });
  }
}

/** Basic credentials are form-encoded (RFC 6749 §2.3.1); most clients send them raw. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
