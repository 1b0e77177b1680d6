/**
 * The Cognito JSON API operations the gateway answers itself (AWS parity on
 * top of cognito-local). Each checks what AWS checks, forwards to
 * cognito-local, and maps its answer to what AWS would say. Every other
 * operation is passed through untouched.
 */
import type {
  AuthenticationResultType,
  CodeDeliveryDetailsType,
  InitiateAuthResponse,
  RespondToAuthChallengeResponse,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  AwsError,
  accessTokenExpired,
  accessTokenRevoked,
  codeMismatch,
  incorrectCredentials,
  invalidAccessToken,
  invalidSession,
  userDisabled,
  userNotFoundForClient,
} from "./errors.ts";
import { claim, decodeJwt, type Jwt, numericClaim, verifyRs256 } from "./jwt.ts";
import { maskDestination } from "./mask.ts";
import { Passkeys } from "./passkeys.ts";
import { assertPasswordConforms } from "./password-policy.ts";
import { PasswordlessUsers } from "./passwordless-users.ts";
import { allowedFirstFactors, PoolSettings } from "./pool-settings.ts";
import { RefreshTokens } from "./refresh-tokens.ts";
import { safeEqual, secretHash } from "./secret-hash.ts";
import { CHALLENGE_SESSION_MS, ChallengeSessions } from "./sessions.ts";
import { type MintOptions, TokenMinter } from "./token-minter.ts";
import { poolIdOf, type TokenRegistry } from "./token-registry.ts";
import type { AppClient, Upstream, User } from "./upstream.ts";
import { UserAuth } from "./user-auth.ts";
import { WebAuthn } from "./webauthn.ts";

type Body = Record<string, unknown>;

/** Returned by `dispatch` when the call, once checked, goes to cognito-local unchanged. */
export const PASS_THROUGH = Symbol("pass-through");

/** Operations authorised by an access token, which cognito-local only decodes, never verifies. */
const ACCESS_TOKEN_OPERATIONS = new Set([
  "GetUser",
  "UpdateUserAttributes",
  "DeleteUser",
  "DeleteUserAttributes",
  "GetUserAttributeVerificationCode",
  "VerifyUserAttribute",
  "AssociateSoftwareToken",
  "VerifySoftwareToken",
  "SetUserMFAPreference",
  "SetUserSettings",
  "ListDevices",
  "GetDevice",
  "ConfirmDevice",
  "ForgetDevice",
  "UpdateDeviceStatus",
]);

export interface VerifiedAccessToken {
  jwt: Jwt;
  poolId: string;
  username: string;
}

export interface ApiOptions {
  upstream: Upstream;
  registry: TokenRegistry;
  /** The gateway's public base URL: the issuer domain of every token. */
  publicUrl: string;
  log: (line: string) => void;
  /**
   * Where the gateway keeps what cognito-local cannot (passkeys, settings it
   * drops, refresh tokens the gateway mints): `<dataDir>/.gateway`. Without
   * it that state lives in memory and is lost on restart.
   */
  stateDir?: string;
  /** Every email sign-in code is this (cognito-local's `CODE`), instead of random. */
  fixedCode?: string;
  /** Challenge session lifetime. Default 3 minutes, as on AWS; tests shorten it. */
  challengeTtlMs?: number;
  /** Most challenge sessions held at once; then new challenges are refused (TooManyRequestsException). */
  challengeSessionLimit: number;
}

export interface InitiateAuthOptions {
  /**
   * The Hosted UI signs in on the user's behalf: AWS's managed login does not
   * depend on the client's ExplicitAuthFlows.
   */
  hosted?: boolean;
}

export class CognitoApi {
  private readonly up: Upstream;
  private readonly registry: TokenRegistry;
  private readonly publicUrl: string;
  private readonly log: (line: string) => void;
  private readonly sessions: ChallengeSessions;
  readonly settings: PoolSettings;
  readonly passkeys: Passkeys;
  private readonly passwordless: PasswordlessUsers;
  private readonly refreshTokens: RefreshTokens;
  private readonly minter: TokenMinter;
  private readonly userAuth: UserAuth;
  private readonly webAuthn: WebAuthn;
  private warnedIssuer = false;

  constructor(options: ApiOptions) {
    this.up = options.upstream;
    this.registry = options.registry;
    this.publicUrl = options.publicUrl;
    this.log = options.log;
    this.sessions = new ChallengeSessions(
      options.challengeSessionLimit,
      options.challengeTtlMs ?? CHALLENGE_SESSION_MS,
    );
    this.settings = new PoolSettings(this.up, options.stateDir);
    this.passkeys = new Passkeys(options.stateDir);
    this.passwordless = new PasswordlessUsers(options.stateDir);
    this.refreshTokens = new RefreshTokens(options.stateDir);
    this.minter = new TokenMinter(options.publicUrl);
    this.webAuthn = new WebAuthn({
      up: this.up,
      settings: this.settings,
      passkeys: this.passkeys,
      verifyAccessToken: async (token) => {
        const { jwt, poolId, username } = await this.verifyAccessToken(token);
        return { poolId, username, clientId: claim(jwt, "client_id") ?? "" };
      },
      pendingLimit: options.challengeSessionLimit,
      log: this.log,
    });
    this.userAuth = new UserAuth({
      passkeySignIn: this.webAuthn,
      up: this.up,
      settings: this.settings,
      sessions: this.sessions,
      passkeys: this.passkeys,
      passwordless: this.passwordless,
      fixedCode: options.fixedCode,
      log: this.log,
      passwordSignIn: (client, username, password) =>
        this.userPasswordAuth(
          client,
          {
            ClientId: client.ClientId,
            AuthFlow: "USER_PASSWORD_AUTH",
            AuthParameters: { USERNAME: username, PASSWORD: password },
          },
          { USERNAME: username, PASSWORD: password },
          false,
        ),
      issueTokens: (client, user) => this.issueTokens(client, user),
      preventsUserExistenceErrors: (client) => this.preventsUserExistenceErrors(client),
    });
  }

  get challengeSessionCount(): number {
    return this.sessions.size;
  }

  /** Passkey registrations started and not yet completed (capped like challenge sessions). */
  get passkeyRegistrationCount(): number {
    return this.webAuthn.pendingCount;
  }

  /** Answers an API call, or returns PASS_THROUGH for cognito-local to answer it. */
  async dispatch(operation: string, body: Body): Promise<unknown> {
    const settings = await this.settings.dispatch(operation, body);
    if (settings !== undefined) return settings;
    switch (operation) {
      case "InitiateAuth":
        return this.initiateAuth(body);
      case "RespondToAuthChallenge":
        return this.respondToAuthChallenge(body);
      case "SignUp":
        return this.signUp(body);
      case "ConfirmSignUp":
        return this.confirmSignUp(body);
      case "ResendConfirmationCode":
        return this.resendConfirmationCode(body);
      case "ForgotPassword":
        return this.forgotPassword(body);
      case "ConfirmForgotPassword":
        return this.confirmForgotPassword(body);
      case "ChangePassword":
        return this.changePassword(body);
      case "AdminSetUserPassword":
        return this.adminSetUserPassword(body);
      case "GlobalSignOut":
        return this.globalSignOut(body);
      case "AdminUserGlobalSignOut":
        return this.adminUserGlobalSignOut(body);
      case "RevokeToken":
        return this.revokeToken(body);
      case "GetTokensFromRefreshToken":
        return this.getTokensFromRefreshToken(body);
      case "StartWebAuthnRegistration":
        return this.webAuthn.startRegistration(body);
      case "CompleteWebAuthnRegistration":
        return this.webAuthn.completeRegistration(body);
      case "ListWebAuthnCredentials":
        return this.webAuthn.list(body);
      case "DeleteWebAuthnCredential":
        return this.webAuthn.delete(body);
      default:
        if (ACCESS_TOKEN_OPERATIONS.has(operation) && body.AccessToken !== undefined) {
          await this.verifyAccessToken(body.AccessToken);
        }
        return PASS_THROUGH;
    }
  }

  // --- sign-in -------------------------------------------------------------

  async initiateAuth(body: Body, options: InitiateAuthOptions = {}): Promise<InitiateAuthResponse> {
    const client = await this.up.client(body.ClientId);
    const params = (body.AuthParameters ?? {}) as Record<string, string>;
    switch (body.AuthFlow) {
      case "USER_PASSWORD_AUTH":
        if (!options.hosted && !allowsFlow(client, "USER_PASSWORD_AUTH")) {
          throw new AwsError("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client");
        }
        return this.userPasswordAuth(client, body, params);
      case "REFRESH_TOKEN_AUTH":
      case "REFRESH_TOKEN":
        if (!allowsFlow(client, "REFRESH_TOKEN_AUTH")) {
          throw new AwsError("InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client");
        }
        // AWS: "You can't authenticate with REFRESH_TOKEN_AUTH in app clients
        // with refresh token rotation enabled."
        if (this.settings.rotation(client.ClientId).enabled) {
          throw new AwsError(
            "InvalidParameterException",
            "REFRESH_TOKEN_AUTH is not available for a client with refresh token rotation: use GetTokensFromRefreshToken",
          );
        }
        return this.refreshTokenAuth(client, body, params);
      case "USER_AUTH":
        if (!options.hosted && !allowsFlow(client, "USER_AUTH")) {
          throw new AwsError("InvalidParameterException", "USER_AUTH flow not enabled for this client");
        }
        if (this.settings.tier(client.UserPoolId) === "LITE") {
          throw new AwsError(
            "FeatureUnavailableInTierException",
            "USER_AUTH is not available in the LITE tier: the user pool must be in the ESSENTIALS tier or higher",
          );
        }
        if (params.USERNAME) this.checkSecretHash(client, [params.USERNAME], params.SECRET_HASH, "auth");
        return this.userAuth.initiate(client, params, body.Session);
      default:
        // cognito-local supports no other flow; it answers that itself.
        return this.up.call<InitiateAuthResponse>("InitiateAuth", body);
    }
  }

  /**
   * A password sign-in. `checkHash` is false when the caller (USER_AUTH) has
   * already checked SECRET_HASH against the name the app sent.
   */
  private async userPasswordAuth(client: AppClient, body: Body, params: Record<string, string>, checkHash = true) {
    const { USERNAME: username, PASSWORD: password } = params;
    if (!username) throw new AwsError("InvalidParameterException", "Missing required parameter USERNAME");
    if (!password) throw new AwsError("InvalidParameterException", "Missing required parameter PASSWORD");
    if (checkHash) this.checkSecretHash(client, [username], params.SECRET_HASH, "auth");

    let result: InitiateAuthResponse;
    try {
      result = await this.up.call<InitiateAuthResponse>("InitiateAuth", body);
    } catch (error) {
      // cognito-local: InvalidPasswordException for a wrong password,
      // NotAuthorizedException for an unknown user.
      const e = error as AwsError;
      if (e.type === "InvalidPasswordException") throw incorrectCredentials();
      if (e.type === "NotAuthorizedException") throw this.unknownUser(client);
      throw e;
    }

    const user = await this.up.user(client.UserPoolId, username);
    if (!user) throw this.unknownUser(client);
    if (result.ChallengeName === "NEW_PASSWORD_REQUIRED") {
      // cognito-local asks for a new password without checking the temporary one.
      await this.checkPassword(client, user, password);
    }
    // cognito-local signs disabled users in. (Said only to someone who knows
    // the password, like AWS.)
    if (user.Enabled === false) {
      if (result.AuthenticationResult?.RefreshToken) {
        await this.up.revoke(client.ClientId, result.AuthenticationResult.RefreshToken);
      }
      throw userDisabled();
    }
    if (result.ChallengeName) {
      if (result.Session) {
        this.sessions.add(
          {
            kind: "password",
            clientId: client.ClientId,
            poolId: client.UserPoolId,
            username: user.Username,
            challengeName: result.ChallengeName,
            password,
          },
          result.Session,
        );
      }
      return result;
    }
    return { ...result, AuthenticationResult: this.issued(client, result.AuthenticationResult) };
  }

  /**
   * The token endpoint's refresh_token grant: the client has authenticated
   * with its secret already, and AWS does not apply ExplicitAuthFlows there.
   */
  async refreshForTokenEndpoint(client: AppClient, refreshToken: string): Promise<InitiateAuthResponse> {
    if (this.settings.rotation(client.ClientId).enabled) return this.rotate(client, refreshToken);
    const params = { REFRESH_TOKEN: refreshToken };
    const body = { ClientId: client.ClientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: params };
    return this.refreshTokenAuth(client, body, params, false);
  }

  /**
   * GetTokensFromRefreshToken: new ID and access tokens, and — when the
   * client rotates refresh tokens — a new refresh token, the old one
   * working on for the client's grace period (then RefreshTokenReuseException).
   * The client proves itself with its secret (ClientSecret), not a SECRET_HASH;
   * ALLOW_REFRESH_TOKEN_AUTH does not apply.
   */
  private async getTokensFromRefreshToken(body: Body): Promise<InitiateAuthResponse> {
    const client = await this.up.client(body.ClientId);
    if (client.ClientSecret) {
      if (typeof body.ClientSecret !== "string" || !body.ClientSecret) {
        throw new AwsError(
          "NotAuthorizedException",
          `Client ${client.ClientId} is configured with secret but ClientSecret was not received`,
        );
      }
      if (!safeEqual(body.ClientSecret, client.ClientSecret)) {
        throw new AwsError("NotAuthorizedException", `Unable to verify client secret for client ${client.ClientId}`);
      }
    }
    const refreshToken = body.RefreshToken;
    if (typeof refreshToken !== "string" || !refreshToken) {
      throw new AwsError("InvalidParameterException", "Missing required parameter RefreshToken");
    }
    if (this.settings.rotation(client.ClientId).enabled) return this.rotate(client, refreshToken);
    const params = { REFRESH_TOKEN: refreshToken };
    return this.refreshTokenAuth(
      client,
      { ClientId: client.ClientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: params },
      params,
      false,
    );
  }

  /**
   * Refresh-token rotation: everything minted anew (keeping the sign-in's
   * auth_time and the original refresh token's expiry: rotation renews the
   * token, not the session), the presented token rotated out.
   */
  private async rotate(client: AppClient, refreshToken: string): Promise<InitiateAuthResponse> {
    if (this.registry.isRefreshTokenRevoked(refreshToken)) {
      throw new AwsError("NotAuthorizedException", "Refresh Token has been revoked");
    }
    const issuedTo = this.registry.clientOf(refreshToken);
    if (issuedTo && issuedTo !== client.ClientId) throw new AwsError("NotAuthorizedException", "Invalid Refresh Token");
    const known = this.refreshTokens.check(refreshToken, client.ClientId);
    let entry: { username: string; authTime: number; expiresAt: number };
    if (known) {
      entry = known;
    } else {
      // One of cognito-local's: it must still know it (not revoked, not made up).
      try {
        await this.up.call("InitiateAuth", {
          ClientId: client.ClientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        });
      } catch (error) {
        if ((error as AwsError).type === "NotAuthorizedException") {
          throw new AwsError("NotAuthorizedException", "Invalid Refresh Token");
        }
        throw error;
      }
      const claims = decodeJwt(refreshToken);
      entry = {
        username: claim(claims, "cognito:username") ?? "",
        authTime: numericClaim(claims, "iat") ?? Math.floor(Date.now() / 1000),
        expiresAt: numericClaim(claims, "exp") ?? 0,
      };
    }
    const user = await this.up.user(client.UserPoolId, entry.username);
    if (!user) throw new AwsError("NotAuthorizedException", "Invalid Refresh Token");
    if (user.Enabled === false) throw userDisabled();
    const { refreshExpiresAt: _, ...tokens } = await this.mint(client, user, {
      authTime: entry.authTime,
      refreshToken: true,
      refreshExpiresAt: entry.expiresAt,
    });
    const family = {
      clientId: client.ClientId,
      poolId: client.UserPoolId,
      username: user.Username,
      authTime: entry.authTime,
      expiresAt: entry.expiresAt,
    };
    // Checked again after the awaits, with no await until it is rotated out: of two
    // concurrent refreshes of one token, the second must meet the first's rotation
    // (refused at once without a grace period), not slip through between them.
    this.refreshTokens.check(refreshToken, client.ClientId);
    this.refreshTokens.recordMinted(tokens.RefreshToken!, family);
    this.refreshTokens.rotateOut(
      refreshToken,
      family,
      known?.minted ?? false,
      this.settings.rotation(client.ClientId).graceSeconds,
    );
    return { ChallengeParameters: {}, AuthenticationResult: this.issued(client, tokens) };
  }

  private async refreshTokenAuth(client: AppClient, body: Body, params: Record<string, string>, checkHash = true) {
    const refreshToken = params.REFRESH_TOKEN;
    if (!refreshToken) throw new AwsError("InvalidParameterException", "Missing required parameter REFRESH_TOKEN");
    const claims = decodeJwt(refreshToken);
    if (checkHash) {
      // AWS computes this SECRET_HASH with the user's username (cognito:username);
      // the email alias is accepted too, as clients often hash what the user typed.
      const candidates = [claim(claims, "cognito:username"), claim(claims, "email")];
      this.checkSecretHash(client, candidates, params.SECRET_HASH, "auth");
    }
    if (this.registry.isRefreshTokenRevoked(refreshToken)) {
      throw new AwsError("NotAuthorizedException", "Refresh Token has been revoked");
    }
    const issuedTo = this.registry.clientOf(refreshToken);
    if (issuedTo && issuedTo !== client.ClientId) throw new AwsError("NotAuthorizedException", "Invalid Refresh Token");
    // A token the gateway minted (passwordless sign-in): cognito-local does not know it.
    const minted = this.refreshTokens.check(refreshToken, client.ClientId);
    if (minted?.minted) {
      const user = await this.up.user(client.UserPoolId, minted.username);
      if (!user) throw new AwsError("NotAuthorizedException", "Invalid Refresh Token");
      if (user.Enabled === false) throw userDisabled();
      const { refreshExpiresAt: _, ...tokens } = await this.mint(client, user, { authTime: minted.authTime });
      return { ChallengeParameters: {}, AuthenticationResult: this.issued(client, tokens, refreshToken) };
    }

    let result: InitiateAuthResponse;
    try {
      result = await this.up.call<InitiateAuthResponse>("InitiateAuth", body);
    } catch (error) {
      if ((error as AwsError).type === "NotAuthorizedException") {
        throw new AwsError("NotAuthorizedException", "Invalid Refresh Token");
      }
      throw error;
    }
    const username = claim(claims, "cognito:username");
    const user = username ? await this.up.user(client.UserPoolId, username) : null;
    if (user?.Enabled === false) throw userDisabled();
    return { ...result, AuthenticationResult: this.issued(client, result.AuthenticationResult, refreshToken) };
  }

  async respondToAuthChallenge(body: Body): Promise<RespondToAuthChallengeResponse> {
    const client = await this.up.client(body.ClientId);
    const responses = (body.ChallengeResponses ?? {}) as Record<string, string>;
    const username = responses.USERNAME;
    if (!username) throw new AwsError("InvalidParameterException", "Missing required parameter USERNAME");
    this.checkSecretHash(client, [username], responses.SECRET_HASH, "auth");

    // cognito-local accepts any Session; AWS only the one it issued, for 3 minutes.
    const sessionId = typeof body.Session === "string" ? body.Session : "";
    const session = this.sessions.get(sessionId, client.ClientId);
    if (!session || session.kind === "sign-up") throw invalidSession();
    if (session.kind === "user-auth") return this.userAuth.respond(client, sessionId, session, body);
    if (body.ChallengeName !== session.challengeName) {
      throw new AwsError("InvalidParameterException", `Invalid challenge name: expected ${session.challengeName}`);
    }
    const user = await this.up.user(client.UserPoolId, username);
    if (!user || user.Username !== session.username) throw invalidSession();

    let password = session.password;
    if (body.ChallengeName === "NEW_PASSWORD_REQUIRED") {
      if (!responses.NEW_PASSWORD)
        throw new AwsError("InvalidParameterException", "Missing required parameter NEW_PASSWORD");
      const pool = await this.up.pool(client.UserPoolId);
      assertPasswordConforms(responses.NEW_PASSWORD, pool.Policies?.PasswordPolicy);
      password = responses.NEW_PASSWORD;
    }

    let result: RespondToAuthChallengeResponse;
    try {
      result = await this.up.call<RespondToAuthChallengeResponse>("RespondToAuthChallenge", body);
    } catch (error) {
      if ((error as AwsError).type === "CodeMismatchException") {
        throw new AwsError("CodeMismatchException", "Invalid code received for user");
      }
      throw error;
    }
    this.sessions.delete(sessionId);
    if (result.ChallengeName) {
      if (result.Session) {
        const { expiresAt: _, ...next } = session;
        this.sessions.add({ ...next, challengeName: result.ChallengeName, password }, result.Session);
      }
      return result;
    }
    return { ...result, AuthenticationResult: await this.completeChallenge(client, user, password, result) };
  }

  /**
   * cognito-local does not store the refresh token it issues after a
   * challenge, so REFRESH_TOKEN_AUTH would later refuse it. The gateway asks
   * for the tokens again with ADMIN_USER_PASSWORD_AUTH (which does store it),
   * using the password the user has just proved or set.
   */
  private async completeChallenge(
    client: AppClient,
    user: User,
    password: string,
    result: RespondToAuthChallengeResponse,
  ): Promise<AuthenticationResultType | undefined> {
    try {
      return this.issued(client, await this.up.adminPasswordAuth(client, user.Username, password));
    } catch (error) {
      this.log(
        `could not obtain a stored refresh token after the challenge (${(error as Error).message}); its refresh token will not refresh`,
      );
      return this.issued(client, result.AuthenticationResult);
    }
  }

  /**
   * Tokens for a user the gateway's Hosted UI already knows (its signed-in
   * cookie): AWS's managed login skips the form while the session lasts.
   */
  async hostedSessionTokens(
    clientId: string,
    username: string,
    password: string | undefined,
  ): Promise<AuthenticationResultType> {
    const client = await this.up.client(clientId);
    const user = await this.up.user(client.UserPoolId, username);
    if (!user) throw incorrectCredentials();
    if (user.Enabled === false) throw userDisabled();
    // Signed in with an email code: no password to sign in with again.
    if (password === undefined) return this.issueTokens(client, user);
    try {
      return this.issued(client, await this.up.adminPasswordAuth(client, user.Username, password));
    } catch (error) {
      if ((error as AwsError).type === "InvalidPasswordException") throw incorrectCredentials();
      throw error;
    }
  }

  /**
   * Tokens for a user who proved a factor cognito-local cannot check (email
   * code, passkey, confirmed sign-up): minted by the gateway in
   * cognito-local's layout, with a refresh token the gateway keeps.
   */
  async issueTokens(client: AppClient, user: User): Promise<AuthenticationResultType> {
    const { refreshExpiresAt, ...tokens } = await this.mint(client, user, { refreshToken: true });
    this.refreshTokens.recordMinted(tokens.RefreshToken!, {
      clientId: client.ClientId,
      poolId: client.UserPoolId,
      username: user.Username,
      authTime: Math.floor(Date.now() / 1000),
      expiresAt: refreshExpiresAt!,
    });
    return this.issued(client, tokens);
  }

  private async mint(client: AppClient, user: User, options: MintOptions) {
    const groups = await this.up.groups(client.UserPoolId, user.Username);
    return this.minter.mint(
      client,
      { username: user.Username, attributes: user.UserAttributes ?? [], groups },
      options,
    );
  }

  // --- sign-up and passwords -------------------------------------------------

  /**
   * SignUp, with AWS's password rules: a password that meets the policy, or
   * none at all where the pool allows sign-in with one-time codes. Where the
   * client can sign in with USER_AUTH, the answer carries a `Session` for
   * ConfirmSignUp (AWS: sign in straight after confirming).
   */
  private async signUp(body: Body) {
    const client = await this.up.client(body.ClientId);
    this.checkSecretHash(client, [body.Username], body.SecretHash, "other");
    const pool = await this.up.pool(client.UserPoolId);
    const passwordless = body.Password === undefined || body.Password === null || body.Password === "";
    if (passwordless) {
      const allowed = allowedFirstFactors(pool);
      if (!allowed.includes("EMAIL_OTP") && !allowed.includes("SMS_OTP")) {
        throw new AwsError(
          "InvalidParameterException",
          "Password is required: the user pool does not allow passwordless sign-in (EMAIL_OTP or SMS_OTP)",
        );
      }
    } else {
      assertPasswordConforms(body.Password, pool.Policies?.PasswordPolicy);
    }
    try {
      const { Password: _, ...withoutPassword } = body;
      const result = await this.up.call<{ CodeDeliveryDetails?: CodeDeliveryDetailsType; UserSub?: string }>(
        "SignUp",
        passwordless ? withoutPassword : body,
      );
      const user = await this.up.user(client.UserPoolId, String(body.Username));
      if (passwordless && user) this.passwordless.add(client.UserPoolId, user.Username);
      const session = user ? this.signUpSession(client, user.Username, "SIGN_UP") : undefined;
      return { ...result, CodeDeliveryDetails: masked(result.CodeDeliveryDetails), ...session };
    } catch (error) {
      if ((error as AwsError).type === "UsernameExistsException") {
        const byEmail = pool.UsernameAttributes?.includes("email");
        throw new AwsError(
          "UsernameExistsException",
          byEmail ? "An account with the given email already exists." : "User already exists",
        );
      }
      throw error;
    }
  }

  private async confirmSignUp(body: Body) {
    const client = await this.up.client(body.ClientId);
    this.checkSecretHash(client, [body.Username], body.SecretHash, "other");
    const user = typeof body.Username === "string" ? await this.up.user(client.UserPoolId, body.Username) : null;
    if (!user) throw this.preventsUserExistenceErrors(client) ? codeMismatch() : userNotFoundForClient();
    if (user.UserStatus === "CONFIRMED") {
      throw new AwsError("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED");
    }
    try {
      const { Session: _, ...forward } = body;
      const result = await this.up.call("ConfirmSignUp", forward);
      // The code went to the email address, so AWS marks it verified;
      // cognito-local does not (and email codes need a verified address).
      const pool = await this.up.pool(client.UserPoolId);
      const email = attribute(user, "email");
      if (pool.AutoVerifiedAttributes?.includes("email") && email) {
        // (cognito-local wants the address with the flag it verifies)
        await this.up.setAttributes(client.UserPoolId, user.Username, { email, email_verified: "true" });
      }
      return { ...result, ...this.signUpSession(client, user.Username, "CONFIRMED") };
    } catch (error) {
      if ((error as AwsError).type === "CodeMismatchException") throw codeMismatch();
      throw error;
    }
  }

  /**
   * The `Session` AWS returns from SignUp (for ConfirmSignUp) and from
   * ConfirmSignUp (for InitiateAuth USER_AUTH, which then signs the new
   * user in without asking again), when the client can use USER_AUTH.
   */
  private signUpSession(client: AppClient, username: string, step: "SIGN_UP" | "CONFIRMED") {
    if (!allowsFlow(client, "USER_AUTH") || this.settings.tier(client.UserPoolId) === "LITE") return undefined;
    const Session = this.sessions.add({
      kind: "sign-up",
      clientId: client.ClientId,
      poolId: client.UserPoolId,
      username,
      challengeName: step,
    });
    return { Session };
  }

  /**
   * cognito-local has no ResendConfirmationCode. For an unconfirmed user the
   * gateway has it issue a fresh code through ForgotPassword, which (in
   * cognito-local 5.3.0) sets the same pending code ConfirmSignUp checks and
   * prints it in the same "Confirmation Code Delivery" box.
   */
  private async resendConfirmationCode(body: Body) {
    const client = await this.up.client(body.ClientId);
    this.checkSecretHash(client, [body.Username], body.SecretHash, "other");
    const username = typeof body.Username === "string" ? body.Username : "";
    const user = username ? await this.up.user(client.UserPoolId, username) : null;
    if (!user) {
      if (this.preventsUserExistenceErrors(client)) return { CodeDeliveryDetails: fakeDelivery(username) };
      throw userNotFoundForClient();
    }
    if (user.UserStatus !== "UNCONFIRMED")
      throw new AwsError("InvalidParameterException", "User is already confirmed.");
    const email = attribute(user, "email");
    if (!email) throw new AwsError("InvalidParameterException", "User has no verified email to send a code to");
    try {
      await this.up.call("ForgotPassword", { ClientId: client.ClientId, Username: user.Username });
      this.log(
        `ResendConfirmationCode for ${username}: cognito-local cannot resend sign-up codes, so the gateway had it issue a new one through ForgotPassword (the code box above says ForgotPassword; the code confirms the sign-up; with CODE set it is the same code as before)`,
      );
    } catch (error) {
      this.log(
        `ResendConfirmationCode for ${username}: cognito-local could not issue a new code (${(error as Error).message}); the code sent at sign-up stays valid`,
      );
    }
    return {
      CodeDeliveryDetails: { Destination: maskDestination(email), DeliveryMedium: "EMAIL", AttributeName: "email" },
    };
  }

  private async forgotPassword(body: Body) {
    const client = await this.up.client(body.ClientId);
    this.checkSecretHash(client, [body.Username], body.SecretHash, "other");
    try {
      const result = await this.up.call<{ CodeDeliveryDetails?: CodeDeliveryDetailsType }>("ForgotPassword", body);
      return { ...result, CodeDeliveryDetails: masked(result.CodeDeliveryDetails) };
    } catch (error) {
      if ((error as AwsError).type === "UserNotFoundException") {
        if (this.preventsUserExistenceErrors(client)) {
          return { CodeDeliveryDetails: fakeDelivery(String(body.Username ?? "")) };
        }
        throw userNotFoundForClient();
      }
      throw error;
    }
  }

  private async confirmForgotPassword(body: Body) {
    const client = await this.up.client(body.ClientId);
    this.checkSecretHash(client, [body.Username], body.SecretHash, "other");
    const pool = await this.up.pool(client.UserPoolId);
    assertPasswordConforms(body.Password, pool.Policies?.PasswordPolicy);
    try {
      const result = await this.up.call("ConfirmForgotPassword", body);
      const user = await this.up.user(client.UserPoolId, String(body.Username ?? ""));
      if (user) this.passwordless.remove(client.UserPoolId, user.Username);
      return result;
    } catch (error) {
      const type = (error as AwsError).type;
      if (type === "CodeMismatchException") throw codeMismatch();
      if (type === "UserNotFoundException") {
        throw this.preventsUserExistenceErrors(client) ? codeMismatch() : userNotFoundForClient();
      }
      throw error;
    }
  }

  private async changePassword(body: Body) {
    const { poolId } = await this.verifyAccessToken(body.AccessToken);
    const pool = await this.up.pool(poolId);
    assertPasswordConforms(body.ProposedPassword, pool.Policies?.PasswordPolicy);
    try {
      return await this.up.call("ChangePassword", body);
    } catch (error) {
      // cognito-local: InvalidPasswordException for a wrong previous password.
      if ((error as AwsError).type === "InvalidPasswordException") throw incorrectCredentials();
      throw error;
    }
  }

  private async adminSetUserPassword(body: Body) {
    if (typeof body.UserPoolId !== "string") return PASS_THROUGH;
    const pool = await this.up.pool(body.UserPoolId);
    assertPasswordConforms(body.Password, pool.Policies?.PasswordPolicy);
    const result = await this.up.call("AdminSetUserPassword", body);
    const user = await this.up.user(body.UserPoolId, String(body.Username ?? ""));
    if (user) this.passwordless.remove(body.UserPoolId, user.Username);
    return result;
  }

  // --- sign-out and revocation ----------------------------------------------

  private async globalSignOut(body: Body) {
    const { poolId, username } = await this.verifyAccessToken(body.AccessToken);
    await this.signOutEverywhere(poolId, username);
    return {};
  }

  private async adminUserGlobalSignOut(body: Body) {
    const poolId = String(body.UserPoolId ?? "");
    await this.up.pool(poolId);
    const user = await this.up.user(poolId, String(body.Username ?? ""));
    if (!user) throw new AwsError("UserNotFoundException", "User does not exist.");
    await this.signOutEverywhere(poolId, user.Username);
    return {};
  }

  private async signOutEverywhere(poolId: string, username: string) {
    const tokens = this.registry.signOut(poolId, username);
    for (const { clientId, token } of tokens) {
      if (!this.refreshTokens.get(token)?.minted) await this.up.revoke(clientId, token);
    }
    const minted = this.refreshTokens.revokeUser(poolId, username);
    this.log(`GlobalSignOut: ${username} signed out (${tokens.length + minted} refresh token(s) revoked)`);
  }

  private async revokeToken(body: Body) {
    const token = typeof body.Token === "string" ? body.Token : undefined;
    const entry = token ? this.refreshTokens.get(token) : undefined;
    if (token && entry?.minted) {
      // A token the gateway minted: revoked here, as cognito-local never saw it.
      const client = await this.up.client(body.ClientId);
      if (entry.clientId !== client.ClientId) throw new AwsError("NotAuthorizedException", "Invalid Refresh Token");
      this.refreshTokens.revoke(token);
      this.registry.revokeRefreshToken(token);
      return {};
    }
    const result = await this.up.call("RevokeToken", body);
    if (token) this.registry.revokeRefreshToken(token);
    return result;
  }

  // --- access tokens ---------------------------------------------------------

  /**
   * Verifies an access token as AWS does: signature (the pool's JWKS),
   * issuer, `token_use`, expiry, and revocation (RevokeToken, GlobalSignOut).
   */
  async verifyAccessToken(token: unknown): Promise<VerifiedAccessToken> {
    const jwt = decodeJwt(token);
    if (!jwt) throw invalidAccessToken();
    const poolId = poolIdOf(jwt);
    const iss = claim(jwt, "iss");
    if (iss !== `${this.publicUrl}/${poolId}`) {
      if (!this.warnedIssuer) {
        this.warnedIssuer = true;
        this.log(
          `access token issuer ${iss} is not this gateway (${this.publicUrl}/<pool id>): start cognito-local with TokenConfig.IssuerDomain = ${this.publicUrl} (startLocalCognito does)`,
        );
      }
      throw invalidAccessToken();
    }
    let keys = await this.up.jwks(poolId);
    if (!keys.some((k) => k.kid === jwt.header.kid)) keys = await this.up.jwks(poolId, true);
    if (!verifyRs256(jwt, keys) || claim(jwt, "token_use") !== "access") throw invalidAccessToken();
    if ((numericClaim(jwt, "exp") ?? 0) <= Date.now() / 1000) throw accessTokenExpired();
    if (this.registry.isAccessTokenRevoked(jwt)) throw accessTokenRevoked();
    return { jwt, poolId, username: claim(jwt, "username") ?? "" };
  }

  // --- helpers ---------------------------------------------------------------

  /** Drops expired challenge sessions. */
  sweep(): void {
    this.sessions.sweep();
    this.webAuthn.sweep();
  }

  /** Records tokens cognito-local issued, and adds what AWS answers with them (ExpiresIn, TokenType). */
  private issued<T extends AuthenticationResultType | undefined>(
    client: AppClient,
    result: T,
    fromRefreshToken?: string,
  ): T {
    if (!result) return result;
    const issued = this.registry.record(client.ClientId, result, fromRefreshToken);
    return { ...result, ExpiresIn: issued?.expiresIn ?? 3600, TokenType: "Bearer" };
  }

  /** Checks a temporary password the way cognito-local checks a permanent one. */
  private async checkPassword(client: AppClient, user: User, password: string) {
    try {
      const result = await this.up.adminPasswordAuth(client, user.Username, password);
      if (result.RefreshToken) await this.up.revoke(client.ClientId, result.RefreshToken);
    } catch (error) {
      if ((error as AwsError).type === "InvalidPasswordException") throw incorrectCredentials();
      throw error;
    }
  }

  /**
   * SECRET_HASH, required and checked for clients with a secret. AWS words a
   * missing hash differently for the auth operations than for the others.
   */
  private checkSecretHash(client: AppClient, usernames: unknown[], hash: unknown, kind: "auth" | "other") {
    const secret = client.ClientSecret;
    if (!secret) return;
    if (typeof hash !== "string" || !hash) {
      throw new AwsError(
        "NotAuthorizedException",
        kind === "auth"
          ? `Client ${client.ClientId} is configured with secret but SECRET_HASH was not received`
          : `Unable to verify secret hash for client ${client.ClientId}`,
      );
    }
    const ok = usernames.some((u) => typeof u === "string" && safeEqual(hash, secretHash(u, client.ClientId, secret)));
    if (!ok) throw new AwsError("NotAuthorizedException", `Unable to verify secret hash for client ${client.ClientId}`);
  }

  preventsUserExistenceErrors(client: AppClient): boolean {
    return client.PreventUserExistenceErrors === "ENABLED";
  }

  private unknownUser(client: AppClient): AwsError {
    return this.preventsUserExistenceErrors(client)
      ? incorrectCredentials()
      : new AwsError("UserNotFoundException", "User does not exist.");
  }
}

/**
 * Whether the client's ExplicitAuthFlows allow a flow. Legacy values count;
 * a client with none set gets AWS's defaults (SRP, custom, refresh).
 */
export function allowsFlow(
  client: AppClient,
  flow: "USER_PASSWORD_AUTH" | "REFRESH_TOKEN_AUTH" | "USER_AUTH",
): boolean {
  const flows = client.ExplicitAuthFlows ?? [];
  // Choice-based sign-in has no legacy name and is not among the defaults.
  if (flow === "USER_AUTH") return flows.includes("ALLOW_USER_AUTH");
  if (flow === "USER_PASSWORD_AUTH")
    return flows.includes("ALLOW_USER_PASSWORD_AUTH") || flows.includes("USER_PASSWORD_AUTH");
  const legacy = flows.some((f) => !f.startsWith("ALLOW_"));
  return flows.length === 0 || legacy || flows.includes("ALLOW_REFRESH_TOKEN_AUTH");
}

function attribute(user: User, name: string): string | undefined {
  return user.UserAttributes?.find((a) => a.Name === name)?.Value;
}

function masked(details: CodeDeliveryDetailsType | undefined): CodeDeliveryDetailsType | undefined {
  return details?.Destination ? { ...details, Destination: maskDestination(details.Destination) } : details;
}

/** What AWS answers for an unknown user when the client prevents user-existence errors. */
function fakeDelivery(username: string): CodeDeliveryDetailsType {
  return {
    Destination: maskDestination(username.includes("@") ? username : "user@example.com"),
    DeliveryMedium: "EMAIL",
    AttributeName: "email",
  };
}
