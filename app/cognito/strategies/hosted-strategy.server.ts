/**
 * remix-auth strategy for the Cognito Hosted UI: OAuth2 authorization code
 * with state and PKCE (S256), on remix-auth-oauth2 (arctic). Failures come out
 * as typed errors: HostedSignInError for anything the browser brought back
 * wrong (state, code, `error=`), ServiceUnavailableError when the token
 * endpoint cannot be reached.
 */
import {
  ArcticFetchError,
  OAuth2RequestError,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
} from "arctic";
import type { Strategy } from "remix-auth/strategy";
import { CodeChallengeMethod, OAuth2Strategy } from "remix-auth-oauth2";
import type { CognitoTokens } from "../auth-session.server";
import { HostedSignInError, ServiceUnavailableError, TooManyRequestsError } from "../errors.server";

export interface HostedStrategyOptions {
  clientId: string;
  /** Sent as HTTP Basic (client_secret_basic) by arctic; null for a public client. */
  clientSecret: string | null;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  /** The app's callback, registered on the app client: `${APP_URL}/auth/callback`. */
  redirectUri: string;
  /**
   * Name (prefix) of the short-lived state + PKCE cookie; remix-auth-oauth2
   * appends `:<uuid>` and reads back only cookies whose names start with it.
   * Use a `__Host-` name in production (with `secureCookie`): the cookie is
   * then set with Path=/ and no Domain, as the prefix requires.
   */
  stateCookieName: string;
  /** Secure attribute on the short-lived state cookie. */
  secureCookie: boolean;
  scopes?: string[];
  /**
   * More authorization parameters for a request that starts a sign-in (e.g.
   * `identity_provider`, `prompt`): only what this returns is added, so the
   * caller decides what a request may ask for.
   */
  authorizationParams?: (request: Request) => Record<string, string>;
}

export interface HostedVerifyParams {
  tokens: CognitoTokens;
  request: Request;
}

export class CognitoHostedStrategy<User> extends OAuth2Strategy<User> {
  override name = "cognito-hosted";
  private readonly extraParams: HostedStrategyOptions["authorizationParams"];

  constructor(options: HostedStrategyOptions, verify: Strategy.VerifyFunction<User, HostedVerifyParams>) {
    super(
      {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        authorizationEndpoint: options.authorizeUrl,
        tokenEndpoint: options.tokenUrl,
        tokenRevocationEndpoint: options.revokeUrl,
        redirectURI: options.redirectUri,
        // aws.cognito.signin.user.admin: the account pages call Cognito's user API
        // (GetUser, attributes, MFA, passkeys) with this access token, and Cognito
        // refuses a token without that scope.
        scopes: options.scopes ?? ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
        codeChallengeMethod: CodeChallengeMethod.S256,
        cookie: {
          name: options.stateCookieName,
          path: "/",
          httpOnly: true,
          sameSite: "Lax",
          ...(options.secureCookie ? { secure: true as const } : {}),
          maxAge: 300,
        },
      },
      ({ tokens, request }) =>
        verify({
          request,
          tokens: {
            idToken: tokens.idToken(),
            accessToken: tokens.accessToken(),
            refreshToken: tokens.hasRefreshToken() ? tokens.refreshToken() : undefined,
          },
        }),
    );
    this.extraParams = options.authorizationParams;
  }

  protected override authorizationParams(params: URLSearchParams, request: Request): URLSearchParams {
    const all = new URLSearchParams(params);
    for (const [name, value] of Object.entries(this.extraParams?.(request) ?? {})) all.set(name, value);
    return all;
  }

  override async authenticate(request: Request): Promise<User> {
    try {
      return await super.authenticate(request);
    } catch (error) {
      throw mapHostedError(error, request);
    }
  }

  /** New ID and access tokens from the token endpoint (refresh_token grant). */
  async refresh(refreshToken: string): Promise<CognitoTokens> {
    try {
      const tokens = await this.refreshToken(refreshToken);
      return {
        idToken: tokens.idToken(),
        accessToken: tokens.accessToken(),
        refreshToken: tokens.hasRefreshToken() ? tokens.refreshToken() : undefined,
      };
    } catch (error) {
      throw mapHostedError(error);
    }
  }
}

function mapHostedError(error: unknown, request?: Request): unknown {
  if (error instanceof Response) return error; // the redirect to Cognito
  if (error instanceof ArcticFetchError) return new ServiceUnavailableError("token endpoint unreachable");
  // Throttled: like an outage, it says nothing about the code or refresh token.
  if (
    (error instanceof UnexpectedResponseError || error instanceof UnexpectedErrorResponseBodyError) &&
    error.status === 429
  ) {
    return new TooManyRequestsError(`token endpoint answered ${error.status}`);
  }
  if (error instanceof UnexpectedResponseError && error.status >= 500) {
    return new ServiceUnavailableError(`token endpoint answered ${error.status}`);
  }
  if (error instanceof OAuth2RequestError) {
    const fromBrowser = request && new URL(request.url).searchParams.has("error");
    return fromBrowser
      ? new HostedSignInError("denied", `Cognito returned error=${error.code}`)
      : new HostedSignInError("code", `token endpoint refused the code: ${error.code}`);
  }
  if (error instanceof UnexpectedErrorResponseBodyError || error instanceof UnexpectedResponseError) {
    return new HostedSignInError("token", "token endpoint answered unexpectedly");
  }
  if (error instanceof RangeError || error instanceof ReferenceError) {
    // remix-auth-oauth2: missing state cookie, state mismatch, missing code.
    const missingCode = /code/i.test(error.message) && !/verifier/i.test(error.message);
    return new HostedSignInError(missingCode ? "code" : "state", error.message);
  }
  return error;
}
