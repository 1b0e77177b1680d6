/**
 * The account lifecycle through the Cognito API: sign-up and confirmation,
 * forgotten passwords, sign-in challenges (new password, TOTP), and the
 * signed-in user's own account (password, profile, MFA). SECRET_HASH is
 * added wherever Cognito wants it for a client with a secret. Errors come out
 * typed (errors.server.ts), mapped in the "account" context, and saying what
 * they mean for the call that raised them: Cognito's NotAuthorized means a
 * wrong code, a wrong current password or a revoked access token depending on
 * the call, and the caller should not have to know which.
 */
import {
  AssociateSoftwareTokenCommand,
  ChangePasswordCommand,
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifySoftwareTokenCommand,
  VerifyUserAttributeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoTokens } from "./auth-session.server";
import type { CognitoSettings } from "./config.server";
import {
  ChallengeExpiredError,
  ChallengeRequiredError,
  CodeMismatchError,
  type CognitoAuthError,
  EmailTakenError,
  ExpiredCodeError,
  IncorrectCurrentPasswordError,
  InvalidCredentialsError,
  ServiceUnavailableError,
  SessionRevokedError,
  TooManyRequestsError,
  toCognitoError,
  UsernameExistsError,
} from "./errors.server";
import { secretHash } from "./secret-hash.server";

export interface CodeDelivery {
  /** Masked, e.g. d***@e***.com. */
  destination?: string;
  medium?: string;
}

export interface UserProfile {
  username: string;
  email?: string;
  emailVerified: boolean;
  name?: string;
  /** Attributes with a change waiting for verification (e.g. a new email). */
  pendingEmail?: string;
  mfaEnabled: boolean;
}

export class CognitoAccountApi {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly settings: CognitoSettings,
  ) {}

  private hash(username: string): { SecretHash?: string } {
    const { clientId, clientSecret } = this.settings;
    return clientSecret ? { SecretHash: secretHash(username, clientId, clientSecret) } : {};
  }

  /** Sends a command; a failure comes out typed, translated by `meaning` for this call. */
  private async call<T>(send: () => Promise<T>, meaning?: (error: CognitoAuthError) => CognitoAuthError): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const typed = toCognitoError(error, "account");
      throw meaning ? meaning(typed) : typed;
    }
  }

  async signUp(input: {
    email: string;
    password: string;
    name?: string;
  }): Promise<{ confirmed: boolean; delivery: CodeDelivery }> {
    const attributes = [{ Name: "email", Value: input.email }];
    if (input.name) attributes.push({ Name: "name", Value: input.name });
    const result = await this.call(() =>
      this.client.send(
        new SignUpCommand({
          ClientId: this.settings.clientId,
          Username: input.email,
          Password: input.password,
          UserAttributes: attributes,
          ...this.hash(input.email),
        }),
      ),
    );
    return {
      confirmed: Boolean(result.UserConfirmed),
      delivery: {
        destination: result.CodeDeliveryDetails?.Destination,
        medium: result.CodeDeliveryDetails?.DeliveryMedium,
      },
    };
  }

  /** Confirms a sign-up. An unknown or already confirmed user, or an expired code, reads like a wrong code: no account probing. */
  async confirmSignUp(username: string, code: string): Promise<void> {
    await this.call(
      () =>
        this.client.send(
          new ConfirmSignUpCommand({
            ClientId: this.settings.clientId,
            Username: username,
            ConfirmationCode: code,
            ...this.hash(username),
          }),
        ),
      codeForAccount,
    );
  }

  /**
   * Sends a new sign-up code. Resolves the same for any name — unknown, already
   * confirmed, or waiting — and says nothing about where a code went: only an
   * outage or throttling is reported, so nobody can probe which emails have
   * accounts. (AWS, user-existence errors prevented: for an unknown user the
   * account-confirmation APIs answer either a simulated delivery or
   * InvalidParameterException; for a confirmed one, InvalidParameterException.)
   */
  async resendConfirmationCode(username: string): Promise<void> {
    try {
      await this.call(() =>
        this.client.send(
          new ResendConfirmationCodeCommand({
            ClientId: this.settings.clientId,
            Username: username,
            ...this.hash(username),
          }),
        ),
      );
    } catch (error) {
      if (error instanceof ServiceUnavailableError || error instanceof TooManyRequestsError) throw error;
    }
  }

  /**
   * Sends a password-reset code. Resolves the same for any email (unknown
   * user, unverified address…): only an outage or throttling is reported, so
   * nobody can probe which emails have accounts.
   */
  async forgotPassword(username: string): Promise<void> {
    try {
      await this.call(() =>
        this.client.send(
          new ForgotPasswordCommand({ ClientId: this.settings.clientId, Username: username, ...this.hash(username) }),
        ),
      );
    } catch (error) {
      if (error instanceof ServiceUnavailableError || error instanceof TooManyRequestsError) throw error;
    }
  }

  /** Sets a new password with a reset code. An unknown user, or an expired code, reads like a wrong code: no account probing. */
  async confirmForgotPassword(username: string, code: string, password: string): Promise<void> {
    await this.call(
      () =>
        this.client.send(
          new ConfirmForgotPasswordCommand({
            ClientId: this.settings.clientId,
            Username: username,
            ConfirmationCode: code,
            Password: password,
            ...this.hash(username),
          }),
        ),
      codeForAccount,
    );
  }

  /**
   * Answers a sign-in challenge. Returns tokens, or throws
   * ChallengeRequiredError when Cognito asks for yet another step.
   */
  async respondToChallenge(
    challenge: { name: string; challengeSession: string; username: string },
    responses: Record<string, string>,
  ): Promise<CognitoTokens> {
    const { clientId, clientSecret } = this.settings;
    const challengeResponses: Record<string, string> = { USERNAME: challenge.username, ...responses };
    if (clientSecret) challengeResponses.SECRET_HASH = secretHash(challenge.username, clientId, clientSecret);
    let result;
    try {
      result = await this.client.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: challenge.name as never,
          Session: challenge.challengeSession,
          ChallengeResponses: challengeResponses,
        }),
      );
    } catch (error) {
      const mapped = toCognitoError(error, "account");
      // An expired or spent challenge session reads as NotAuthorized.
      throw mapped instanceof InvalidCredentialsError ? new ChallengeExpiredError(mapped.message) : mapped;
    }
    if (result.ChallengeName) {
      throw new ChallengeRequiredError(
        result.ChallengeName,
        result.Session ?? "",
        result.ChallengeParameters?.USER_ID_FOR_SRP ?? challenge.username,
        result.ChallengeParameters ?? {},
      );
    }
    const tokens = result.AuthenticationResult;
    if (!tokens?.IdToken || !tokens.AccessToken) throw new ChallengeExpiredError("no tokens");
    return { idToken: tokens.IdToken, accessToken: tokens.AccessToken, refreshToken: tokens.RefreshToken };
  }

  /** Changes the signed-in user's password; a wrong `previous` is IncorrectCurrentPasswordError. */
  async changePassword(accessToken: string, previous: string, proposed: string): Promise<void> {
    await this.call(
      () =>
        this.client.send(
          new ChangePasswordCommand({
            AccessToken: accessToken,
            PreviousPassword: previous,
            ProposedPassword: proposed,
          }),
        ),
      (error) => (error instanceof InvalidCredentialsError ? new IncorrectCurrentPasswordError() : error),
    );
  }

  /**
   * Signs the user out everywhere at Cognito: every refresh token is revoked, and Cognito stops
   * accepting their access tokens — this session's included (AWS: GlobalSignOut). Access tokens
   * still verify locally until they expire; the app's own revocation covers that.
   */
  async globalSignOut(accessToken: string): Promise<void> {
    await this.call(() => this.client.send(new GlobalSignOutCommand({ AccessToken: accessToken })), signedIn);
  }

  async getProfile(accessToken: string): Promise<UserProfile> {
    const user = await this.call(() => this.client.send(new GetUserCommand({ AccessToken: accessToken })), signedIn);
    const attr = (name: string) => user.UserAttributes?.find((a) => a.Name === name)?.Value;
    return {
      username: user.Username ?? "",
      email: attr("email"),
      emailVerified: attr("email_verified") === "true",
      name: attr("name"),
      mfaEnabled: (user.UserMFASettingList ?? []).includes("SOFTWARE_TOKEN_MFA"),
    };
  }

  /** Updates attributes; returns where a verification code was sent, if any (e.g. a new email). */
  async updateAttributes(accessToken: string, attributes: Record<string, string>): Promise<CodeDelivery[]> {
    const result = await this.call(
      () =>
        this.client.send(
          new UpdateUserAttributesCommand({
            AccessToken: accessToken,
            UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
          }),
        ),
      (error) => (error instanceof UsernameExistsError ? new EmailTakenError() : signedIn(error)),
    );
    return (result.CodeDeliveryDetailsList ?? []).map((d) => ({
      destination: d.Destination,
      medium: d.DeliveryMedium,
    }));
  }

  async verifyAttribute(accessToken: string, attribute: string, code: string): Promise<void> {
    await this.call(
      () =>
        this.client.send(
          new VerifyUserAttributeCommand({ AccessToken: accessToken, AttributeName: attribute, Code: code }),
        ),
      signedIn,
    );
  }

  /** Starts TOTP enrolment: the secret to show (QR + text). */
  async associateSoftwareToken(accessToken: string): Promise<string> {
    const result = await this.call(
      () => this.client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken })),
      signedIn,
    );
    if (!result.SecretCode) throw new ChallengeExpiredError("no secret");
    return result.SecretCode;
  }

  /** Completes TOTP enrolment with a code from the authenticator app, and makes TOTP the preferred MFA. */
  async enableTotp(accessToken: string, code: string, deviceName = "Authenticator app"): Promise<void> {
    const result = await this.call(
      () =>
        this.client.send(
          new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code, FriendlyDeviceName: deviceName }),
        ),
      signedIn,
    );
    if (result.Status !== "SUCCESS") throw new CodeMismatchError();
    await this.call(
      () =>
        this.client.send(
          new SetUserMFAPreferenceCommand({
            AccessToken: accessToken,
            SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
          }),
        ),
      signedIn,
    );
  }

  async disableTotp(accessToken: string): Promise<void> {
    await this.call(
      () =>
        this.client.send(
          new SetUserMFAPreferenceCommand({
            AccessToken: accessToken,
            SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
          }),
        ),
      signedIn,
    );
  }
}

/** On a call made with the user's access token, NotAuthorized means the token was revoked. */
function signedIn(error: CognitoAuthError): CognitoAuthError {
  return error instanceof InvalidCredentialsError ? new SessionRevokedError() : error;
}

/**
 * On a code for an account (sign-up, reset), an unknown user reads like a wrong
 * code — and so does an expired code: only an account that exists can have
 * one (Cognito answers ExpiredCodeException for it, and locally for an account
 * with a temporary password, which has no code at all).
 */
function codeForAccount(error: CognitoAuthError): CognitoAuthError {
  return error instanceof InvalidCredentialsError || error instanceof ExpiredCodeError
    ? new CodeMismatchError()
    : error;
}
