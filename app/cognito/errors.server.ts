/**
 * Typed errors for everything that can go wrong talking to Cognito, the one
 * place that maps AWS exception names onto them (toCognitoError), and the one
 * place that says how a page answers each of them (describeCognitoError).
 * Callers match with `instanceof`; users see `userMessage`, never the raw AWS
 * text.
 */

export abstract class CognitoAuthError extends Error {
  /** What to tell the person at the keyboard. Never includes secrets or echoes input. */
  abstract readonly userMessage: string;
  /** HTTP status for a page reporting this error. */
  abstract readonly status: number;
}

/** Wrong password and unknown user look the same on purpose: no user enumeration. */
export class InvalidCredentialsError extends CognitoAuthError {
  readonly name = "InvalidCredentialsError";
  readonly userMessage = "Incorrect username or password.";
  readonly status = 401;
}

export class UserNotConfirmedError extends CognitoAuthError {
  readonly name = "UserNotConfirmedError";
  readonly userMessage = "Your account is not confirmed yet. Enter the code we sent to your email to confirm it.";
  readonly status = 403;
}

export class PasswordResetRequiredError extends CognitoAuthError {
  readonly name = "PasswordResetRequiredError";
  readonly userMessage = "You need to reset your password before you can sign in.";
  readonly status = 403;
}

export type ChallengeName =
  | "NEW_PASSWORD_REQUIRED"
  | "SOFTWARE_TOKEN_MFA"
  | "SMS_MFA"
  | "SELECT_MFA_TYPE"
  | "MFA_SETUP"
  | string;

/** Sign-in needs another step (new password, MFA code…) before tokens are issued. */
export class ChallengeRequiredError extends CognitoAuthError {
  readonly name = "ChallengeRequiredError";
  readonly status = 401;
  constructor(
    readonly challengeName: ChallengeName,
    /**
     * Cognito's opaque challenge `Session` for RespondToAuthChallenge (not a
     * signed-in session): keep it server-side, never render it.
     */
    readonly challengeSession: string,
    readonly username: string,
    readonly parameters: Record<string, string> = {},
    /**
     * A challenge that can never be passed, made for a sign-in method this
     * account does not have, so that the answer is the one an unknown user
     * gets (see CognitoPasswordlessApi.requestEmailCode).
     */
    readonly decoy = false,
  ) {
    super(`Cognito challenge ${challengeName}`);
  }
  get userMessage() {
    switch (this.challengeName) {
      case "NEW_PASSWORD_REQUIRED":
        return "You must choose a new password before you can sign in.";
      case "SOFTWARE_TOKEN_MFA":
      case "SMS_MFA":
        return "This account requires a multi-factor authentication code.";
      default:
        return "This account needs an extra sign-in step that this app does not support yet.";
    }
  }
}

/** Cognito (or the emulator) cannot be reached, or failed on its side. */
export class ServiceUnavailableError extends CognitoAuthError {
  readonly name = "ServiceUnavailableError";
  readonly userMessage = "The authentication service is unavailable right now. Please try again in a moment.";
  readonly status = 503;
}

export class TooManyRequestsError extends CognitoAuthError {
  readonly name = "TooManyRequestsError";
  readonly userMessage = "Too many attempts. Please wait a moment and try again.";
  readonly status = 429;
}

/**
 * A signed-in call refused because the access token no longer counts (revoked
 * by a global sign-out elsewhere, or the user was disabled).
 */
export class SessionRevokedError extends CognitoAuthError {
  readonly name = "SessionRevokedError";
  readonly userMessage = "Your session has ended. Please sign in again.";
  readonly status = 401;
}

/** A refresh token that Cognito no longer accepts (revoked, expired, or for another client). */
export class RefreshFailedError extends CognitoAuthError {
  readonly name = "RefreshFailedError";
  readonly userMessage = "Your session has ended. Please sign in again.";
  readonly status = 401;
}

/** The Hosted UI round trip failed: bad or missing state, an `error=` from Cognito, a bad or replayed code. */
export class HostedSignInError extends CognitoAuthError {
  readonly name = "HostedSignInError";
  readonly status = 400;
  constructor(
    /** A stable code for the login page (`?error=…`), safe to put in a URL. */
    readonly code: "state" | "denied" | "code" | "token" | "ended",
    message: string,
  ) {
    super(message);
  }
  get userMessage() {
    return hostedErrorMessage(this.code);
  }
}

export function hostedErrorMessage(code: string): string {
  switch (code) {
    case "state":
      return "Your sign-in session expired or did not match. Please try again.";
    case "denied":
      return "Sign-in was cancelled or refused by Cognito. Please try again.";
    case "account-exists":
      return "An account already uses the email address your sign-in provider gave us, and the provider has not confirmed that the address is yours, so we did not sign you in. Sign in to that account (with its password or an emailed code), then link the provider from your account page.";
    case "provider":
      return "That way of signing in is not available here. Choose another.";
    case "link":
      return "We could not finish signing you in with your provider. Please try again.";
    case "code":
    case "token":
      return "That sign-in link is invalid or was already used. Please sign in again.";
    case "ended":
      return "Cognito offered a sign-in from before your sessions were ended. Please sign in again with your password.";
    default:
      return "Sign-in failed. Please try again.";
  }
}

/** A password Cognito refused under the pool's password policy. */
export class PasswordPolicyError extends CognitoAuthError {
  readonly name = "PasswordPolicyError";
  readonly status = 400;
  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

export class CodeMismatchError extends CognitoAuthError {
  readonly name = "CodeMismatchError";
  readonly userMessage = "That code is not correct. Check it and try again.";
  readonly status = 400;
}

export class ExpiredCodeError extends CognitoAuthError {
  readonly name = "ExpiredCodeError";
  readonly userMessage = "That code has expired. Ask for a new one.";
  readonly status = 400;
}

export class UsernameExistsError extends CognitoAuthError {
  readonly name = "UsernameExistsError";
  readonly userMessage = "An account with this email already exists. Sign in, or reset your password.";
  readonly status = 400;
}

/** A signed-in user asked for an email address that another account uses. */
export class EmailTakenError extends CognitoAuthError {
  readonly name = "EmailTakenError";
  readonly userMessage = "Another account already uses that email address.";
  readonly status = 400;
}

/** An administrator looked up a user who does not exist. */
export class UserNotFoundError extends CognitoAuthError {
  readonly name = "UserNotFoundError";
  readonly userMessage = "No user with that email.";
  readonly status = 404;
}

/** Changing the password: the current password given is wrong. */
export class IncorrectCurrentPasswordError extends CognitoAuthError {
  readonly name = "IncorrectCurrentPasswordError";
  readonly userMessage = "Your current password is not correct.";
  readonly status = 400;
}

/** The Cognito Session of a challenge has expired or was used up. */
export class ChallengeExpiredError extends CognitoAuthError {
  readonly name = "ChallengeExpiredError";
  readonly userMessage = "This sign-in step has expired. Please sign in again.";
  readonly status = 400;
}

/**
 * The sign-in method the person picked (email code, passkey) is not one
 * Cognito offers this account (no verified email, no passkey yet, or the
 * pool does not allow it).
 */
export class SignInMethodUnavailableError extends CognitoAuthError {
  readonly name = "SignInMethodUnavailableError";
  readonly status = 400;
  constructor(
    readonly method: string,
    /** Cognito's SELECT_CHALLENGE `Session` that listed the methods, when there was one. */
    readonly challengeSession = "",
  ) {
    super(`${method} not available`);
  }
  get userMessage() {
    return this.method === "WEB_AUTHN"
      ? "There is no passkey for this account on this site yet. Sign in another way, then add one under Account → Passkeys."
      : "We can't send a sign-in code for this account. Sign in with your password or a passkey.";
  }
}

/** A passkey assertion Cognito refused (unknown credential, wrong site, failed verification). */
export class PasskeyRejectedError extends CognitoAuthError {
  readonly name = "PasskeyRejectedError";
  readonly userMessage = "That passkey was not accepted. Try again, or sign in another way.";
  readonly status = 401;
}

/** The pool or the browser's answer does not fit WebAuthn (not set up, wrong site, challenge gone). */
export class PasskeySetupError extends CognitoAuthError {
  readonly name = "PasskeySetupError";
  readonly status = 400;
  constructor(readonly awsName: string) {
    super(awsName);
  }
  get userMessage() {
    return this.awsName === "WebAuthnNotEnabledException" || this.awsName === "WebAuthnConfigurationMissingException"
      ? "Passkeys are not turned on for this app."
      : "The passkey could not be saved. Please try again.";
  }
}

/**
 * An emailed sign-in code that can no longer be used (expired, already used,
 * or its challenge spent by wrong tries). The email is still known, so the
 * page offers a new code rather than starting over.
 */
export class SignInCodeSpentError extends CognitoAuthError {
  readonly name = "SignInCodeSpentError";
  readonly userMessage = "This code has expired or can no longer be used. Send a new code.";
  readonly status = 400;
}

/**
 * The local emulator does not implement an operation (AWS does). The gateway
 * implements the ones the app uses and passes the rest to cognito-local; this
 * keeps such a call answering plainly rather than with a 500.
 */
export class UnsupportedOperationError extends CognitoAuthError {
  readonly name = "UnsupportedOperationError";
  readonly status = 501;
  constructor(readonly operation: string) {
    super(`unsupported: ${operation}`);
  }
  get userMessage() {
    return `The local Cognito emulator does not support this (${this.operation}). It works against a real user pool.`;
  }
}

/** Any other rejection from Cognito that the person can act on (bad parameter, policy…). */
export class CognitoRequestError extends CognitoAuthError {
  readonly name = "CognitoRequestError";
  readonly status = 400;
  constructor(
    readonly awsName: string,
    readonly userMessage: string,
  ) {
    super(awsName);
  }
}

/**
 * The one mapping from AWS SDK exceptions (by `name`) to typed errors.
 * Unknown exceptions become ServiceUnavailableError (5xx from Cognito) or are
 * rethrown as-is (programming errors), never shown raw to a user.
 */
export function toCognitoError(error: unknown, context: "sign-in" | "account" = "sign-in"): CognitoAuthError {
  if (error instanceof CognitoAuthError) return error;
  const e = error as {
    name?: string;
    message?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
    code?: string;
    cause?: { code?: string };
    __type?: string;
  };
  switch (e?.name) {
    case "InvalidPasswordException":
      // Signing in (InitiateAuth), AWS never sends this; bare cognito-local
      // answers a wrong password with it where AWS says NotAuthorizedException.
      // The gateway translates it, and bare cognito-local is not a supported
      // target, but reading it as wrong credentials costs nothing and keeps
      // wrong password and unknown user indistinguishable whatever is behind
      // COGNITO_ENDPOINT. Anywhere else it is the pool's password policy speaking.
      return context === "sign-in" ? new InvalidCredentialsError() : new PasswordPolicyError(policyMessage(e.message));
    case "NotAuthorizedException":
    case "UserNotFoundException":
    // A rotated-out refresh token used after its grace period: refused like a revoked one.
    case "RefreshTokenReuseException":
      return new InvalidCredentialsError();
    case "CodeMismatchException":
    case "EnableSoftwareTokenMFAException":
      return new CodeMismatchError();
    case "ExpiredCodeException":
      return new ExpiredCodeError();
    case "UsernameExistsException":
    case "AliasExistsException":
      return new UsernameExistsError();
    case "UserNotConfirmedException":
      return new UserNotConfirmedError();
    case "PasswordResetRequiredException":
      return new PasswordResetRequiredError();
    case "TooManyRequestsException":
    case "TooManyFailedAttemptsException":
    case "LimitExceededException":
      return new TooManyRequestsError();
    case "WebAuthnNotEnabledException":
    case "WebAuthnConfigurationMissingException":
    case "WebAuthnChallengeNotFoundException":
    case "WebAuthnRelyingPartyMismatchException":
    case "WebAuthnOriginNotAllowedException":
    case "WebAuthnClientMismatchException":
    case "WebAuthnCredentialNotSupportedException":
      return new PasskeySetupError(e.name);
    case "InvalidParameterException":
      return new CognitoRequestError(e.name, "The request was not valid. Please check what you entered.");
  }
  // cognito-local answers an operation it lacks with HTTP 500 and this type.
  if (e?.name?.startsWith("CognitoLocal#Unsupported") || /Cognito Local unsupported feature/.test(e?.message ?? "")) {
    const op = e?.message?.match(/unsupported feature: (.*)$/)?.[1] ?? "this operation";
    return new UnsupportedOperationError(op);
  }
  // Network failures (ECONNREFUSED, timeouts) and Cognito's own 5xx.
  if (
    e?.$fault === "server" ||
    (e?.$metadata?.httpStatusCode ?? 0) >= 500 ||
    e?.name === "TimeoutError" ||
    e?.name === "AbortError" ||
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH"].includes(
      e?.code ?? e?.cause?.code ?? "",
    ) ||
    (error instanceof TypeError && /fetch failed/.test(error.message))
  ) {
    return new ServiceUnavailableError(String(e?.name ?? "unavailable"));
  }
  if (e?.$fault === "client" && e.name) {
    return new CognitoRequestError(e.name, "The request was refused. Please check what you entered.");
  }
  throw error;
}

/** AWS: "Password did not conform with policy: Password must have uppercase characters". */
function policyMessage(message: string | undefined): string {
  const detail = message?.replace(/^Password did not conform with policy:\s*/i, "").trim();
  return detail && detail !== "Invalid password"
    ? detail.replace(/\.?$/, ".")
    : "That password does not meet the password policy.";
}

/** The form fields an error can be about, by the name every page gives them. */
export type ErrorField = "code" | "password" | "current" | "email";

/** How a page answers a Cognito error. */
export interface ErrorAnswer {
  /** The field the message belongs next to; null: the form as a whole. */
  field: ErrorField | null;
  message: string;
  status: number;
}

/**
 * The one mapping from a typed error to how a form answers it. A new kind of
 * error gets its field here, not in a route.
 */
export function describeCognitoError(error: CognitoAuthError): ErrorAnswer {
  let field: ErrorField | null = null;
  if (error instanceof CodeMismatchError || error instanceof ExpiredCodeError) field = "code";
  else if (error instanceof SignInCodeSpentError) field = "code";
  else if (error instanceof PasswordPolicyError) field = "password";
  else if (error instanceof IncorrectCurrentPasswordError) field = "current";
  else if (error instanceof UsernameExistsError || error instanceof EmailTakenError) field = "email";
  else if (error instanceof UserNotFoundError) field = "email";
  return { field, message: error.userMessage, status: error.status };
}
