/**
 * Choice-based sign-in (`InitiateAuth` with `AuthFlow: USER_AUTH`, Essentials
 * tier) and the user's passkeys, through the Cognito API: a password in one
 * step, an emailed one-time code (`EMAIL_OTP`), a passkey (`WEB_AUTHN`), the
 * sign-in that follows a passwordless sign-up, and WebAuthn registration,
 * listing and deletion. SECRET_HASH is added where the client has a secret.
 *
 * Every sign-in method resolves to tokens or throws ChallengeRequiredError
 * for the next step (an `EMAIL_OTP` code page, a `WEB_AUTHN` assertion,
 * TOTP MFA, a new password), like the password API, so the app continues
 * each the same way.
 */
import { randomBytes } from "node:crypto";
import {
  type ChallengeNameType,
  type CognitoIdentityProviderClient,
  CompleteWebAuthnRegistrationCommand,
  ConfirmSignUpCommand,
  DeleteWebAuthnCredentialCommand,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  ListWebAuthnCredentialsCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  StartWebAuthnRegistrationCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoTokens } from "./auth-session.server";
import type { CognitoSettings } from "./config.server";
import {
  ChallengeRequiredError,
  CodeMismatchError,
  CognitoAuthError,
  InvalidCredentialsError,
  PasskeyRejectedError,
  PasswordResetRequiredError,
  ServiceUnavailableError,
  SignInCodeSpentError,
  SignInMethodUnavailableError,
  TooManyRequestsError,
  toCognitoError,
  UserNotConfirmedError,
} from "./errors.server";
import { secretHash } from "./secret-hash.server";
import { SrpSignIn } from "./srp.server";

/** Marks a decoy code challenge's session made here, not by Cognito (requestEmailCode). */
const LOCAL_DECOY = "decoy.";
/** How long Cognito's challenge sessions last by default (an app client's AuthSessionValidity). */
const CHALLENGE_LIFETIME_MS = 3 * 60 * 1000;

/** The first factors this app offers (Cognito also has PASSWORD_SRP and SMS_OTP). */
export type FirstFactor = "PASSWORD" | "EMAIL_OTP" | "WEB_AUTHN";

/** A pending challenge to answer: Cognito's challenge name, its `Session`, the username. */
export interface ChallengeToAnswer {
  name: string;
  /** Cognito's opaque challenge `Session` (not a signed-in session). */
  challengeSession: string;
  username: string;
  /** A code challenge made for an account that gets no code (ChallengeRequiredError.decoy). */
  decoy?: boolean;
}

/** One of the user's passkeys, as ListWebAuthnCredentials describes it. */
export interface Passkey {
  /** Cognito's credential ID (base64url), for deletion. */
  id: string;
  /** The name Cognito gives it (from the authenticator, or the browser's description). */
  name: string;
  /** The relying party (the app's host). */
  relyingPartyId: string;
  /** "platform" (built into the device) or "cross-platform" (a security key), when known. */
  attachment?: string;
  createdAt: Date;
}

/** The WebAuthn JSON the browser needs (`PublicKeyCredentialCreationOptionsJSON`). */
export type CredentialCreationOptions = Record<string, unknown>;

/** A passwordless sign-up waiting for its code, with the `Session` that confirms it. */
export interface PendingSignUp {
  confirmed: boolean;
  /** Masked destination of the code. */
  destination?: string;
  /** Cognito's sign-up `Session` for ConfirmSignUp (absent when the client has no USER_AUTH). */
  signUpSession?: string;
}

export interface SignInOptions {
  /**
   * Send no PREFERRED_CHALLENGE: Cognito answers SELECT_CHALLENGE with what
   * this user may use, and the method is picked from that list. The app
   * always states its preference; this is for pools or callers that want the
   * list first (and for exercising that path in tests).
   */
  askFirst?: boolean;
}

/**
 * USER_AUTH sign-in, passwordless sign-up and passkey management. Only for a
 * pool and client that allow USER_AUTH (the app's `COGNITO_USER_AUTH`).
 */
export class CognitoPasswordlessApi {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly settings: CognitoSettings,
  ) {}

  private secretHashFor(username: string): string | undefined {
    const { clientId, clientSecret } = this.settings;
    return clientSecret ? secretHash(username, clientId, clientSecret) : undefined;
  }

  private withSecretHash(username: string, params: Record<string, string>): Record<string, string> {
    const hash = this.secretHashFor(username);
    return hash ? { ...params, SECRET_HASH: hash } : params;
  }

  /** InitiateAuth USER_AUTH for `username` (with a sign-up's `Session` to sign in straight after it). */
  private initiateUserAuth(
    username: string,
    params: Record<string, string>,
    session?: string,
  ): Promise<InitiateAuthCommandOutput> {
    return this.client.send(
      new InitiateAuthCommand({
        ClientId: this.settings.clientId,
        AuthFlow: "USER_AUTH",
        ...(session ? { Session: session } : {}),
        AuthParameters: this.withSecretHash(username, params),
      }),
    );
  }

  /**
   * Starts a USER_AUTH sign-in with the method the person picked
   * (`PREFERRED_CHALLENGE`). A password signs in in one step; `EMAIL_OTP`
   * and `WEB_AUTHN` throw ChallengeRequiredError with the challenge to
   * answer (code destination / `CREDENTIAL_REQUEST_OPTIONS` in its
   * parameters). When Cognito answers `SELECT_CHALLENGE` the picked method is
   * chosen from `AvailableChallenges`; when it is not among them this throws
   * InvalidCredentialsError for a password (the same as a wrong one: no
   * account probing) and SignInMethodUnavailableError otherwise.
   */
  async signIn(
    username: string,
    method: FirstFactor,
    password?: string,
    options: SignInOptions = {},
  ): Promise<CognitoTokens> {
    // With SRP on, a password is proved (PASSWORD_SRP) rather than sent.
    const srp = method === "PASSWORD" && this.settings.srp ? new SrpSignIn(this.settings.userPoolId) : undefined;
    const choice: ChallengeNameType = srp ? "PASSWORD_SRP" : method;
    const params: Record<string, string> = { USERNAME: username };
    if (!options.askFirst) params.PREFERRED_CHALLENGE = choice;
    if (!options.askFirst && srp) params.SRP_A = srp.srpA;
    else if (method === "PASSWORD" && password && !options.askFirst) params.PASSWORD = password;
    let result: InitiateAuthCommandOutput;
    try {
      result = await this.initiateUserAuth(username, params);
    } catch (error) {
      throw toCognitoError(error);
    }
    if (result.ChallengeName !== "SELECT_CHALLENGE") {
      return srp ? this.answerSrp(srp, result, password ?? "", username) : this.outcome(result, username);
    }

    // Cognito lists the choices instead: pick the one the person asked for.
    const challengeUser = result.ChallengeParameters?.USERNAME ?? username;
    if (!(result.AvailableChallenges ?? []).includes(choice)) {
      if (method === "PASSWORD") throw new InvalidCredentialsError(`${choice} not among the available challenges`);
      throw new SignInMethodUnavailableError(method, result.Session ?? "");
    }
    const responses: Record<string, string> = { ANSWER: choice };
    const selected = { name: "SELECT_CHALLENGE", challengeSession: result.Session ?? "", username: challengeUser };
    if (srp) {
      let verifier: InitiateAuthCommandOutput;
      try {
        verifier = await this.client.send(
          new RespondToAuthChallengeCommand({
            ClientId: this.settings.clientId,
            ChallengeName: "SELECT_CHALLENGE",
            Session: selected.challengeSession,
            ChallengeResponses: this.withSecretHash(challengeUser, {
              USERNAME: challengeUser,
              ...responses,
              SRP_A: srp.srpA,
            }),
          }),
        );
      } catch (error) {
        throw toCognitoError(error);
      }
      return this.answerSrp(srp, verifier, password ?? "", challengeUser);
    }
    if (method === "PASSWORD" && password) responses.PASSWORD = password;
    return this.respond(selected, responses, "sign-in");
  }

  /** Answers PASSWORD_VERIFIER with the SRP proof of the password (anything else is the next step). */
  private answerSrp(
    srp: SrpSignIn,
    step: InitiateAuthCommandOutput,
    password: string,
    username: string,
  ): Promise<CognitoTokens> {
    if (step.ChallengeName !== "PASSWORD_VERIFIER") return Promise.resolve(this.outcome(step, username));
    const answer = srp.answer(step.ChallengeParameters ?? {}, password);
    const { USERNAME, ...claim } = answer;
    return this.respond(
      { name: "PASSWORD_VERIFIER", challengeSession: step.Session ?? "", username: USERNAME },
      claim,
      "sign-in",
    );
  }

  /**
   * Asks Cognito to email `username` a sign-in code: always throws
   * ChallengeRequiredError for `EMAIL_OTP`, for every name alike. Cognito
   * (user-existence errors prevented) answers an unknown name with a code
   * challenge that no code passes — or, AWS says, with any challenge the pool
   * allows, picked at random. An account it will not send a code to (a
   * temporary password, no verified email, not confirmed) it answers with
   * what that account can use instead, or an error, which would tell the two
   * apart. For all of those the challenge is a decoy (`decoy`), answered like
   * a wrong code by `answerEmailCode`, after the same one call to Cognito.
   * Anything else (an outage, throttling, a client not set up for USER_AUTH)
   * comes out as itself.
   */
  async requestEmailCode(username: string): Promise<never> {
    try {
      await this.signIn(username, "EMAIL_OTP");
    } catch (error) {
      if (error instanceof ChallengeRequiredError && error.challengeName === "EMAIL_OTP") throw error;
      if (!answersForTheAccount(error)) throw error;
      const cognitoSession =
        error instanceof SignInMethodUnavailableError || error instanceof ChallengeRequiredError
          ? error.challengeSession
          : "";
      // Without one from Cognito, a session of our own: each code's tries are counted by it, and
      // it says when it was made (Cognito's expire, ours must too).
      const session = cognitoSession || `${LOCAL_DECOY}${Date.now()}.${randomBytes(24).toString("base64url")}`;
      throw new ChallengeRequiredError("EMAIL_OTP", session, username, {}, true);
    }
    // Signed in without a code: Cognito never answers a preferred EMAIL_OTP so.
    throw new SignInMethodUnavailableError("EMAIL_OTP");
  }

  /**
   * Answers an `EMAIL_OTP` challenge with the code from the email. A decoy
   * (requestEmailCode) asks Cognito too, so it costs the same, and whatever
   * Cognito says reads like a wrong code — or, once Cognito no longer knows its
   * session, like a spent one, as a real challenge's would.
   */
  async answerEmailCode(challenge: ChallengeToAnswer, code: string): Promise<CognitoTokens> {
    if (!challenge.decoy) return this.respond(challenge, { EMAIL_OTP_CODE: code }, "code");
    const refusal = await this.respond(challenge, { EMAIL_OTP_CODE: code }, "code").then(
      () => new CodeMismatchError(),
      (error: unknown) => error,
    );
    if (!(refusal instanceof CognitoAuthError) || isUnavailable(refusal)) throw refusal;
    const local = challenge.challengeSession.startsWith(LOCAL_DECOY);
    const expired = local
      ? Date.now() - Number(challenge.challengeSession.slice(LOCAL_DECOY.length).split(".")[0]) > CHALLENGE_LIFETIME_MS
      : refusal instanceof SignInCodeSpentError;
    throw expired ? new SignInCodeSpentError("decoy expired") : new CodeMismatchError();
  }

  /**
   * Answers a `WEB_AUTHN` challenge with the browser's assertion
   * (`AuthenticationResponseJSON`, as a JSON string).
   */
  answerPasskey(challenge: ChallengeToAnswer, credential: string): Promise<CognitoTokens> {
    return this.respond(challenge, { CREDENTIAL: credential }, "passkey");
  }

  /**
   * Signs up with an email address and no password (the pool must allow a
   * passwordless first factor). The code goes to the email address.
   */
  async signUpWithoutPassword(email: string, name?: string): Promise<PendingSignUp> {
    const attributes = [{ Name: "email", Value: email }];
    if (name) attributes.push({ Name: "name", Value: name });
    try {
      const result = await this.client.send(
        new SignUpCommand({
          ClientId: this.settings.clientId,
          Username: email,
          UserAttributes: attributes,
          SecretHash: this.secretHashFor(email),
        }),
      );
      return {
        confirmed: Boolean(result.UserConfirmed),
        destination: result.CodeDeliveryDetails?.Destination,
        signUpSession: result.Session,
      };
    } catch (error) {
      throw toCognitoError(error, "account");
    }
  }

  /**
   * Confirms a sign-up with its code and signs the new user in at once:
   * ConfirmSignUp (with the sign-up `Session`) returns a `Session` that starts
   * a USER_AUTH sign-in without asking for anything else. Returns null when
   * Cognito gave no such session (the user then signs in as usual).
   */
  async confirmSignUpAndSignIn(email: string, code: string, signUpSession?: string): Promise<CognitoTokens | null> {
    let session: string | undefined;
    try {
      const result = await this.client.send(
        new ConfirmSignUpCommand({
          ClientId: this.settings.clientId,
          Username: email,
          ConfirmationCode: code,
          Session: signUpSession,
          SecretHash: this.secretHashFor(email),
        }),
      );
      session = result.Session;
    } catch (error) {
      throw toCognitoError(error, "account");
    }
    if (!session) return null;
    let result: InitiateAuthCommandOutput;
    try {
      result = await this.initiateUserAuth(email, { USERNAME: email }, session);
    } catch (error) {
      // Confirmed, but the automatic sign-in did not happen: sign in as usual.
      if (toCognitoError(error) instanceof InvalidCredentialsError) return null;
      throw toCognitoError(error);
    }
    return this.outcome(result, email);
  }

  // --- passkeys (the signed-in user's, by access token) -----------------------

  /** Starts adding a passkey: the options for `navigator.credentials.create`. */
  async startPasskeyRegistration(accessToken: string): Promise<CredentialCreationOptions> {
    try {
      const result = await this.client.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken }));
      const options = result.CredentialCreationOptions;
      return (typeof options === "string" ? JSON.parse(options) : options) as CredentialCreationOptions;
    } catch (error) {
      throw toCognitoError(error, "account");
    }
  }

  /** Completes adding a passkey with the browser's `RegistrationResponseJSON`. */
  async completePasskeyRegistration(accessToken: string, credential: Record<string, unknown>): Promise<void> {
    try {
      await this.client.send(
        new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: credential as never }),
      );
    } catch (error) {
      throw toCognitoError(error, "account");
    }
  }

  /** The user's passkeys (every page of them; a user has a handful at most). */
  async listPasskeys(accessToken: string): Promise<Passkey[]> {
    const passkeys: Passkey[] = [];
    let next: string | undefined;
    try {
      // Bounded: Cognito allows 20 passkeys per user, so two pages at most.
      for (let page = 0; page < 10; page++) {
        const result = await this.client.send(
          new ListWebAuthnCredentialsCommand({ AccessToken: accessToken, NextToken: next, MaxResults: 20 }),
        );
        for (const c of result.Credentials ?? []) {
          if (!c.CredentialId) continue;
          passkeys.push({
            id: c.CredentialId,
            name: c.FriendlyCredentialName || "Passkey",
            relyingPartyId: c.RelyingPartyId ?? "",
            attachment: c.AuthenticatorAttachment,
            createdAt: c.CreatedAt ? new Date(c.CreatedAt) : new Date(0),
          });
        }
        next = result.NextToken;
        if (!next) break;
      }
    } catch (error) {
      throw toCognitoError(error, "account");
    }
    return passkeys;
  }

  /** Deletes one of the user's passkeys. */
  async deletePasskey(accessToken: string, credentialId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteWebAuthnCredentialCommand({ AccessToken: accessToken, CredentialId: credentialId }),
      );
    } catch (error) {
      throw toCognitoError(error, "account");
    }
  }

  // --- internals ----------------------------------------------------------------

  /**
   * RespondToAuthChallenge. A spent or expired challenge session reads as
   * NotAuthorized from Cognito: for a code that is "send a new code"
   * (SignInCodeSpentError), for a passkey a refused passkey
   * (PasskeyRejectedError); for SELECT_CHALLENGE with a password it is a
   * wrong password.
   */
  private async respond(
    challenge: ChallengeToAnswer,
    responses: Record<string, string>,
    what: "sign-in" | "code" | "passkey",
  ): Promise<CognitoTokens> {
    let result: InitiateAuthCommandOutput;
    try {
      result = await this.client.send(
        new RespondToAuthChallengeCommand({
          ClientId: this.settings.clientId,
          ChallengeName: challenge.name as ChallengeNameType,
          Session: challenge.challengeSession,
          ChallengeResponses: this.withSecretHash(challenge.username, { USERNAME: challenge.username, ...responses }),
        }),
      );
    } catch (error) {
      const typed = toCognitoError(error);
      if (typed instanceof InvalidCredentialsError && what === "code") throw new SignInCodeSpentError(typed.message);
      if (typed instanceof InvalidCredentialsError && what === "passkey") throw new PasskeyRejectedError(typed.message);
      throw typed;
    }
    return this.outcome(result, challenge.username);
  }

  /** Tokens, or the next challenge as ChallengeRequiredError. */
  private outcome(
    result: Pick<
      InitiateAuthCommandOutput,
      "AuthenticationResult" | "ChallengeName" | "ChallengeParameters" | "Session"
    >,
    username: string,
  ): CognitoTokens {
    if (result.ChallengeName) {
      const parameters = result.ChallengeParameters ?? {};
      throw new ChallengeRequiredError(
        result.ChallengeName,
        result.Session ?? "",
        parameters.USER_ID_FOR_SRP ?? parameters.USERNAME ?? username,
        parameters,
      );
    }
    const tokens = result.AuthenticationResult;
    if (!tokens?.IdToken || !tokens.AccessToken) throw new InvalidCredentialsError("Cognito returned no tokens");
    return { idToken: tokens.IdToken, accessToken: tokens.AccessToken, refreshToken: tokens.RefreshToken };
  }
}

/** Cognito could not answer at all: an outage or throttling says nothing about the code. */
function isUnavailable(error: unknown): boolean {
  return error instanceof ServiceUnavailableError || error instanceof TooManyRequestsError;
}

/** Cognito's answer is about this account (what it may use, its state), not about the service or the app's setup. */
function answersForTheAccount(error: unknown): boolean {
  return (
    error instanceof ChallengeRequiredError ||
    error instanceof SignInMethodUnavailableError ||
    error instanceof InvalidCredentialsError ||
    error instanceof UserNotConfirmedError ||
    error instanceof PasswordResetRequiredError
  );
}
