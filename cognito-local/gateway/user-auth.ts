/**
 * Choice-based sign-in (`AuthFlow: USER_AUTH`), which cognito-local does not
 * have: `InitiateAuth` answers with the challenge the app prefers
 * (`PREFERRED_CHALLENGE`) or with `SELECT_CHALLENGE` and the user's
 * `AvailableChallenges`; `RespondToAuthChallenge` takes the choice (`ANSWER`)
 * and the proof: `PASSWORD`, `EMAIL_OTP_CODE`, or a passkey `CREDENTIAL`.
 *
 * What a user is offered: the first factors the pool allows
 * (`Policies.SignInPolicy.AllowedFirstAuthFactors`) that the user has —
 * PASSWORD unless they signed up without one, EMAIL_OTP with a verified
 * email, WEB_AUTHN with a passkey for the pool's relying party. A password
 * goes through the same checks as USER_PASSWORD_AUTH, so TOTP MFA and
 * NEW_PASSWORD_REQUIRED still follow it; a passwordless factor is not
 * followed by MFA, and is not offered at all when the pool requires MFA.
 */
import { randomInt, timingSafeEqual } from "node:crypto";
import type {
  AuthenticationResultType,
  InitiateAuthResponse,
  RespondToAuthChallengeResponse,
  UserPoolType,
} from "@aws-sdk/client-cognito-identity-provider";
import { AwsError, incorrectCredentials, invalidSession } from "./errors.ts";
import { maskDestination } from "./mask.ts";
import type { Input } from "./operations/operation.ts";
import type { Passkeys } from "./passkeys.ts";
import type { PasswordlessUsers } from "./passwordless-users.ts";
import { allowedFirstFactors, type FirstFactor, type PoolSettings } from "./pool-settings.ts";
import type { ChallengeSessions, UserAuthSession } from "./sessions.ts";
import { type AppClient, attribute, type Upstream, type User } from "./upstream.ts";

type Params = Record<string, string | undefined>;

/**
 * The order choices are listed in. PASSWORD_SRP comes with PASSWORD (the
 * pool's PASSWORD factor allows both); SMS_OTP is never offered locally (no SMS).
 */
const OFFERED = ["WEB_AUTHN", "EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"] as const;
type Offered = (typeof OFFERED)[number];

/** Wrong codes a session takes before it is spent (AWS publishes no figure; see the emulator README). */
export const MAX_CODE_ATTEMPTS = 3;

/** A passkey sign-in the WebAuthn module starts and checks (see webauthn.ts). */
export interface PasskeySignIn {
  /** CREDENTIAL_REQUEST_OPTIONS for the user, and the challenge in it. */
  requestOptions(poolId: string, username: string): Promise<{ options: string; challenge: string }>;
  /** Verifies a CREDENTIAL (AuthenticationResponseJSON) against the challenge; throws an AwsError when it fails. */
  verify(poolId: string, username: string, credential: string, challenge: string): Promise<void>;
}

export interface UserAuthOptions {
  up: Upstream;
  settings: PoolSettings;
  sessions: ChallengeSessions;
  passkeys: Passkeys;
  passwordless: PasswordlessUsers;
  passkeySignIn?: PasskeySignIn;
  /** Every email code is this (cognito-local's CODE), instead of random. */
  fixedCode?: string;
  log: (line: string) => void;
  /** A password sign-in with USER_PASSWORD_AUTH's checks and challenges. */
  passwordSignIn(
    client: AppClient,
    username: string,
    password: string,
    secretHash?: string,
  ): Promise<InitiateAuthResponse>;
  /** The PASSWORD_VERIFIER challenge for PASSWORD_SRP (see srp/sign-in.ts). */
  srpSignIn(client: AppClient, username: string, srpA: unknown): Promise<InitiateAuthResponse>;
  /** Tokens for a user who has proved a passwordless factor. */
  issueTokens(client: AppClient, user: User): Promise<AuthenticationResultType>;
  preventsUserExistenceErrors(client: AppClient): boolean;
}

export class UserAuth {
  constructor(private readonly o: UserAuthOptions) {}

  /**
   * InitiateAuth with USER_AUTH (flow, tier and SECRET_HASH already checked
   * by the caller). With the `Session` ConfirmSignUp returned, the confirmed
   * sign-up is the first factor: the new user is signed in at once.
   */
  async initiate(client: AppClient, params: Params, signUpSession?: unknown): Promise<InitiateAuthResponse> {
    const typed = params.USERNAME;
    if (!typed) throw new AwsError("InvalidParameterException", "Missing required parameter USERNAME");
    if (signUpSession !== undefined) return this.afterSignUp(client, typed, signUpSession);
    const preferred = params.PREFERRED_CHALLENGE;
    if (preferred !== undefined && !KNOWN_CHALLENGES.has(preferred)) {
      throw new AwsError("InvalidParameterException", `Invalid PREFERRED_CHALLENGE: ${preferred}`);
    }
    const pool = await this.o.up.pool(client.UserPoolId);
    const user = await this.o.up.user(client.UserPoolId, typed);
    const available = user ? this.availableFor(pool, user) : [];
    const unknownUser = available.length === 0;
    if (unknownUser && !this.o.preventsUserExistenceErrors(client)) {
      throw new AwsError("UserNotFoundException", "User does not exist.");
    }
    // Someone who cannot sign in is offered what a typical user is, so the
    // answer does not tell who has an account.
    const offered = unknownUser ? this.decoyChoices(pool) : available;
    const username = user?.Username ?? typed;
    const base = { clientId: client.ClientId, poolId: client.UserPoolId, username, available: offered, unknownUser };

    // The preferred challenge when this user has it; otherwise AWS lists the choices.
    if (preferred && (offered as string[]).includes(preferred)) {
      return this.begin(client, base, preferred as Offered, params, user);
    }
    const session = this.o.sessions.add({ ...base, kind: "user-auth", challengeName: "SELECT_CHALLENGE", attempts: 0 });
    return {
      ChallengeName: "SELECT_CHALLENGE",
      Session: session,
      ChallengeParameters: {},
      AvailableChallenges: offered,
    };
  }

  /** RespondToAuthChallenge for a USER_AUTH session (client, SECRET_HASH and session already checked). */
  async respond(
    client: AppClient,
    sessionId: string,
    session: UserAuthSession,
    input: Input<"RespondToAuthChallenge">,
  ): Promise<RespondToAuthChallengeResponse> {
    const responses: Params = input.ChallengeResponses ?? {};
    if (input.ChallengeName !== session.challengeName) {
      throw new AwsError("InvalidParameterException", `Invalid challenge name: expected ${session.challengeName}`);
    }
    const user = session.unknownUser ? null : await this.o.up.user(client.UserPoolId, responses.USERNAME ?? "");
    if (!session.unknownUser && (!user || user.Username !== session.username)) throw invalidSession();
    const { kind: _, challengeName: __, expiresAt: ___, ...base } = session;

    switch (session.challengeName) {
      case "SELECT_CHALLENGE": {
        const answer = responses.ANSWER;
        if (!answer) throw new AwsError("InvalidParameterException", "Missing required parameter ANSWER");
        if (!(session.available as string[]).includes(answer)) {
          throw new AwsError(
            "InvalidParameterException",
            `Invalid ANSWER: ${answer} is not one of the available challenges`,
          );
        }
        this.o.sessions.delete(sessionId);
        return this.begin(client, base, answer as Offered, responses, user);
      }
      case "PASSWORD":
        if (!responses.PASSWORD) throw new AwsError("InvalidParameterException", "Missing required parameter PASSWORD");
        this.o.sessions.delete(sessionId);
        return this.password(client, session.username, responses.PASSWORD, responses.SECRET_HASH);
      case "EMAIL_OTP":
        return this.checkCode(client, sessionId, session, responses.EMAIL_OTP_CODE, user);
      case "WEB_AUTHN":
        return this.checkPasskey(client, sessionId, session, responses.CREDENTIAL, user);
      default:
        throw invalidSession();
    }
  }

  private async afterSignUp(client: AppClient, typed: string, sessionId: unknown): Promise<InitiateAuthResponse> {
    const session = this.o.sessions.get(sessionId, client.ClientId);
    const user = await this.o.up.user(client.UserPoolId, typed);
    if (session?.kind !== "sign-up" || session.challengeName !== "CONFIRMED" || user?.Username !== session.username) {
      throw invalidSession();
    }
    this.o.sessions.delete(sessionId as string);
    return this.signedIn(client, user);
  }

  /** The first factors the pool allows that this user has. */
  availableFor(pool: UserPoolType, user: User): Offered[] {
    const allowed = allowedFirstFactors(pool);
    const poolId = pool.Id ?? "";
    const hasPassword = !this.o.passwordless.has(poolId, user.Username);
    // Only a confirmed user with a permanent password may skip it.
    const passwordlessOk = user.UserStatus === "CONFIRMED" && pool.MfaConfiguration !== "ON";
    const { relyingPartyId } = this.o.settings.webAuthn(poolId);
    const has: Record<Offered, boolean> = {
      PASSWORD: hasPassword,
      PASSWORD_SRP: hasPassword,
      EMAIL_OTP: passwordlessOk && attribute(user, "email_verified") === "true" && Boolean(attribute(user, "email")),
      WEB_AUTHN:
        passwordlessOk &&
        Boolean(this.o.passkeySignIn) &&
        this.o.passkeys.forRelyingParty(poolId, user.Username, relyingPartyId).length > 0,
    };
    return OFFERED.filter((factor) => allowed.includes(firstFactorOf(factor)) && has[factor]);
  }

  /** What an unknown user is offered: password and email code, where the pool allows them. */
  private decoyChoices(pool: UserPoolType): Offered[] {
    const allowed = allowedFirstFactors(pool);
    const decoys: Offered[] =
      pool.MfaConfiguration === "ON" ? ["PASSWORD", "PASSWORD_SRP"] : ["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"];
    return decoys.filter((factor) => allowed.includes(firstFactorOf(factor)));
  }

  /** Starts the chosen factor (from PREFERRED_CHALLENGE or SELECT_CHALLENGE's ANSWER). */
  private async begin(
    client: AppClient,
    base: Omit<UserAuthSession, "kind" | "challengeName" | "expiresAt" | "attempts">,
    factor: Offered,
    params: Params,
    user: User | null,
  ): Promise<InitiateAuthResponse> {
    switch (factor) {
      case "PASSWORD":
        // With the password in the same request, sign in at once (one step for password users).
        if (params.PASSWORD) return this.password(client, base.username, params.PASSWORD, params.SECRET_HASH);
        return this.challenge(base, "PASSWORD", {});
      case "PASSWORD_SRP":
        // AWS: ANSWER=PASSWORD_SRP (or PREFERRED_CHALLENGE) with SRP_A; the answer is PASSWORD_VERIFIER.
        return this.o.srpSignIn(client, base.username, params.SRP_A);
      case "EMAIL_OTP": {
        const email = user ? attribute(user, "email") : undefined;
        let code: string | undefined;
        if (user && email) {
          code = this.o.fixedCode ?? String(randomInt(0, 100_000_000)).padStart(8, "0");
          this.printCode(user.Username, email, code);
        }
        // Unknown users get the same answer, with a made-up destination and no code.
        const destination = maskDestination(
          email ?? (base.username.includes("@") ? base.username : "user@example.com"),
        );
        return this.challenge(
          base,
          "EMAIL_OTP",
          { CODE_DELIVERY_DELIVERY_MEDIUM: "EMAIL", CODE_DELIVERY_DESTINATION: destination },
          { code },
        );
      }
      case "WEB_AUTHN": {
        if (params.CREDENTIAL) {
          throw new AwsError(
            "InvalidParameterException",
            "The local emulator needs the WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS first: answer SELECT_CHALLENGE with ANSWER=WEB_AUTHN alone, then send the CREDENTIAL",
          );
        }
        if (!this.o.passkeySignIn) throw invalidSession();
        const { options, challenge } = await this.o.passkeySignIn.requestOptions(base.poolId, base.username);
        return this.challenge(
          base,
          "WEB_AUTHN",
          { CREDENTIAL_REQUEST_OPTIONS: options },
          { webAuthnChallenge: challenge },
        );
      }
    }
  }

  private challenge(
    base: Omit<UserAuthSession, "kind" | "challengeName" | "expiresAt" | "attempts">,
    challengeName: "PASSWORD" | "EMAIL_OTP" | "WEB_AUTHN",
    parameters: Record<string, string>,
    extra: Partial<UserAuthSession> = {},
  ): InitiateAuthResponse {
    const session = this.o.sessions.add({ ...base, ...extra, kind: "user-auth", challengeName, attempts: 0 });
    return { ChallengeName: challengeName, Session: session, ChallengeParameters: parameters };
  }

  private password(client: AppClient, username: string, password: string, secretHash?: string) {
    return this.o.passwordSignIn(client, username, password, secretHash);
  }

  private async checkCode(
    client: AppClient,
    sessionId: string,
    session: UserAuthSession,
    answer: string | undefined,
    user: User | null,
  ): Promise<RespondToAuthChallengeResponse> {
    if (!answer) throw new AwsError("InvalidParameterException", "Missing required parameter EMAIL_OTP_CODE");
    if (!session.code || !user || !sameCode(answer, session.code)) {
      session.attempts++;
      // Spent after too many wrong codes: the user has to ask for a new one.
      if (session.attempts >= MAX_CODE_ATTEMPTS) this.o.sessions.delete(sessionId);
      throw new AwsError("CodeMismatchException", "Invalid code received for user");
    }
    // Single use: the session (and its code) is gone whatever happens next.
    this.o.sessions.delete(sessionId);
    return this.signedIn(client, user);
  }

  private async checkPasskey(
    client: AppClient,
    sessionId: string,
    session: UserAuthSession,
    credential: string | undefined,
    user: User | null,
  ): Promise<RespondToAuthChallengeResponse> {
    if (!credential) throw new AwsError("InvalidParameterException", "Missing required parameter CREDENTIAL");
    // One attempt per challenge, as a WebAuthn challenge must be used once.
    this.o.sessions.delete(sessionId);
    if (!user || !session.webAuthnChallenge || !this.o.passkeySignIn) throw incorrectCredentials();
    await this.o.passkeySignIn.verify(session.poolId, user.Username, credential, session.webAuthnChallenge);
    return this.signedIn(client, user);
  }

  private async signedIn(client: AppClient, user: User): Promise<RespondToAuthChallengeResponse> {
    if (user.Enabled === false) throw new AwsError("NotAuthorizedException", "User is disabled.");
    return { ChallengeParameters: {}, AuthenticationResult: await this.o.issueTokens(client, user) };
  }

  /** Delivery, locally: a box in the emulator's log, like cognito-local's own codes. */
  private printCode(username: string, email: string, code: string) {
    for (const line of [
      "┌ Email sign-in code (EMAIL_OTP, single use, valid 3 minutes)",
      `│ Username: ${username}`,
      `│ Destination: ${email}`,
      `│ Code: ${code}`,
      "└",
    ]) {
      this.o.log(line);
    }
  }
}

const KNOWN_CHALLENGES = new Set(["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"]);

/** The pool's first factor that allows a choice: PASSWORD covers PASSWORD_SRP. */
function firstFactorOf(choice: Offered): FirstFactor {
  return choice === "PASSWORD_SRP" ? "PASSWORD" : choice;
}

function sameCode(answer: string, code: string): boolean {
  const a = Buffer.from(answer.trim());
  const b = Buffer.from(code);
  return a.length === b.length && timingSafeEqual(a, b);
}
