/**
 * A sign-in that Cognito answered with a challenge (new password, TOTP code)
 * continues on its own page. Cognito's challenge `Session` (an opaque string,
 * not a signed-in session) must survive between the two requests but never
 * appear in a page: it rides in a short-lived sealed cookie of its own.
 */
import { redirect } from "@remix-run/node";
import type { ChallengeRequiredError } from "~/cognito/errors.server";
import { setCookieHeaders } from "~/http/cookies.server";
import { lazyCookieStore } from "./cookie-names.server";

export interface PendingChallenge {
  name: string;
  /** Cognito's challenge `Session`, for RespondToAuthChallenge. */
  challengeSession: string;
  /** Cognito's username for the challenge (USER_ID_FOR_SRP). */
  username: string;
  /** What the person typed, for messages. */
  login: string;
  redirectTo: string;
  /** Where an emailed code went (masked, from Cognito), for the code page. */
  destination?: string;
  /** A code challenge that no code passes, for an account that gets no code (ChallengeRequiredError.decoy). */
  decoy?: boolean;
}

/** Cognito's challenge sessions last 3 minutes by default; a little slack. */
const CHALLENGE_TTL_SECONDS = 5 * 60;

const challengeStore = lazyCookieStore<PendingChallenge>("challenge", CHALLENGE_TTL_SECONDS);

/** The page that answers each supported challenge. */
const CHALLENGE_ROUTES: Record<string, string> = {
  NEW_PASSWORD_REQUIRED: "/login/new-password",
  SOFTWARE_TOKEN_MFA: "/login/mfa",
  EMAIL_OTP: "/login/code",
};

export function readChallenge(request: Request, name: string): PendingChallenge | null {
  const pending = challengeStore().read(request.headers.get("Cookie"));
  return pending && pending.name === name ? pending : null;
}

export function saveChallenge(
  error: ChallengeRequiredError,
  context: { login: string; redirectTo: string },
  request: Request,
  headers = new Headers(),
): Headers {
  const pending: PendingChallenge = {
    name: error.challengeName,
    challengeSession: error.challengeSession,
    username: error.username,
    login: context.login,
    redirectTo: context.redirectTo,
    destination: error.parameters.CODE_DELIVERY_DESTINATION,
    ...(error.decoy ? { decoy: true } : {}),
  };
  return setCookieHeaders(challengeStore().write(pending, request.headers.get("Cookie")), headers);
}

/**
 * Saves a pending step that is not a sign-in challenge of Cognito's (a
 * passwordless sign-up waiting for its code, with the sign-up `Session`).
 */
export function savePendingStep(pending: PendingChallenge, request: Request, headers = new Headers()): Headers {
  return setCookieHeaders(challengeStore().write(pending, request.headers.get("Cookie")), headers);
}

export function clearChallenge(request: Request, headers = new Headers()): Headers {
  return setCookieHeaders(challengeStore().destroy(request.headers.get("Cookie")), headers);
}

/** Back to sign-in, saying the step expired, with the challenge cookie cleared. */
export function challengeExpired(request: Request): Response {
  return redirect("/login?notice=challenge-expired", { headers: clearChallenge(request) });
}

/** The pending challenge of this kind, or throws the redirect back to sign-in. */
export function requireChallenge(request: Request, name: string): PendingChallenge {
  const pending = readChallenge(request, name);
  if (!pending) throw challengeExpired(request);
  return pending;
}

/**
 * For a challenge this app has a page for: the redirect there, with the
 * challenge saved. Null for one it does not support (show its message).
 */
export function redirectToChallenge(
  error: ChallengeRequiredError,
  context: { login: string; redirectTo: string },
  request: Request,
): Response | null {
  const route = CHALLENGE_ROUTES[error.challengeName];
  return route ? redirect(route, { headers: saveChallenge(error, context, request) }) : null;
}
