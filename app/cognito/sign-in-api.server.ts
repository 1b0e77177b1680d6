/**
 * Password sign-in and the life of its tokens through the Cognito API:
 * InitiateAuth with USER_PASSWORD_AUTH (or, with `srp`, USER_SRP_AUTH and the
 * PASSWORD_VERIFIER answer), REFRESH_TOKEN_AUTH, RevokeToken — with
 * SECRET_HASH when the app client has a secret. Errors come out typed
 * (errors.server.ts). The Hosted UI's equivalents are OAuth2 endpoints
 * (strategies/hosted-strategy.server.ts).
 */
import {
  type CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoTokens } from "./auth-session.server";
import type { CognitoSettings } from "./config.server";
import { ChallengeRequiredError, InvalidCredentialsError, RefreshFailedError, toCognitoError } from "./errors.server";
import { secretHash } from "./secret-hash.server";
import { SrpSignIn } from "./srp.server";

/** Sign-in, refresh and revocation for the app's own form (not the Hosted UI). */
export class CognitoSignInApi {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly settings: CognitoSettings,
  ) {}

  private withSecretHash(username: string, params: Record<string, string>): Record<string, string> {
    const { clientId, clientSecret } = this.settings;
    return clientSecret ? { ...params, SECRET_HASH: secretHash(username, clientId, clientSecret) } : params;
  }

  /**
   * Signs in with username and password. Throws InvalidCredentialsError
   * (wrong password and unknown user alike), UserNotConfirmedError,
   * ChallengeRequiredError (new password, MFA…), ServiceUnavailableError…
   */
  async signInWithPassword(username: string, password: string): Promise<CognitoTokens> {
    let result: InitiateAuthCommandOutput;
    try {
      result = this.settings.srp
        ? await this.proveWithSrp(username, password)
        : await this.client.send(
            new InitiateAuthCommand({
              ClientId: this.settings.clientId,
              AuthFlow: "USER_PASSWORD_AUTH",
              AuthParameters: this.withSecretHash(username, { USERNAME: username, PASSWORD: password }),
            }),
          );
    } catch (error) {
      throw toCognitoError(error);
    }
    if (result.ChallengeName) {
      throw new ChallengeRequiredError(
        result.ChallengeName,
        result.Session ?? "",
        result.ChallengeParameters?.USER_ID_FOR_SRP ?? username,
        result.ChallengeParameters ?? {},
      );
    }
    return tokensFrom(result.AuthenticationResult);
  }

  /**
   * USER_SRP_AUTH: the password never leaves the app. Cognito's answer to
   * the proof is what USER_PASSWORD_AUTH would have answered (tokens, or the
   * next challenge).
   */
  private async proveWithSrp(username: string, password: string): Promise<InitiateAuthCommandOutput> {
    const srp = new SrpSignIn(this.settings.userPoolId);
    const started = await this.client.send(
      new InitiateAuthCommand({
        ClientId: this.settings.clientId,
        AuthFlow: "USER_SRP_AUTH",
        AuthParameters: this.withSecretHash(username, { USERNAME: username, SRP_A: srp.srpA }),
      }),
    );
    if (started.ChallengeName !== "PASSWORD_VERIFIER") return started;
    const answer = srp.answer(started.ChallengeParameters ?? {}, password);
    return this.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: this.settings.clientId,
        ChallengeName: "PASSWORD_VERIFIER",
        Session: started.Session,
        ChallengeResponses: this.withSecretHash(answer.USERNAME, { ...answer }),
      }),
    );
  }

  /**
   * New ID and access tokens from a refresh token. `username` is the
   * token's `cognito:username` (needed for SECRET_HASH). When the client
   * rotates refresh tokens (`refreshRotation`), this goes through
   * GetTokensFromRefreshToken and the result carries the new refresh token,
   * which replaces the old one (Cognito refuses the old one once its grace
   * period is over).
   */
  async refresh(refreshToken: string, username: string): Promise<CognitoTokens> {
    if (this.settings.refreshRotation) return this.refreshRotating(refreshToken);
    let result;
    try {
      result = await this.client.send(
        new InitiateAuthCommand({
          ClientId: this.settings.clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: this.withSecretHash(username, { REFRESH_TOKEN: refreshToken }),
        }),
      );
    } catch (error) {
      const mapped = toCognitoError(error);
      throw mapped instanceof InvalidCredentialsError ? new RefreshFailedError(mapped.message) : mapped;
    }
    return tokensFrom(result.AuthenticationResult);
  }

  private async refreshRotating(refreshToken: string): Promise<CognitoTokens> {
    let result;
    try {
      result = await this.client.send(
        new GetTokensFromRefreshTokenCommand({
          ClientId: this.settings.clientId,
          ClientSecret: this.settings.clientSecret,
          RefreshToken: refreshToken,
        }),
      );
    } catch (error) {
      const mapped = toCognitoError(error);
      throw mapped instanceof InvalidCredentialsError ? new RefreshFailedError(mapped.message) : mapped;
    }
    return tokensFrom(result.AuthenticationResult);
  }

  /** Revokes a refresh token (and the access tokens issued from it, on AWS). */
  async revoke(refreshToken: string): Promise<void> {
    try {
      await this.client.send(
        new RevokeTokenCommand({
          ClientId: this.settings.clientId,
          ClientSecret: this.settings.clientSecret,
          Token: refreshToken,
        }),
      );
    } catch (error) {
      throw toCognitoError(error);
    }
  }
}

function tokensFrom(
  result: { IdToken?: string; AccessToken?: string; RefreshToken?: string } | undefined,
): CognitoTokens {
  if (!result?.IdToken || !result.AccessToken) {
    throw new InvalidCredentialsError("Cognito returned no tokens");
  }
  return { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken };
}
