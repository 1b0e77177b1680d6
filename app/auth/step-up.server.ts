/**
 * Step-up for sensitive changes: changing the email address, turning MFA
 * on (both steps of enrolling an authenticator app) or off, adding or
 * removing a passkey — anything that would let someone at an unattended,
 * signed-in browser take the account over for good, or lock its owner out.
 * (Changing the password needs the current one anyway: Cognito checks it.)
 *
 * The change goes ahead when the session signed in within the last
 * {@link STEP_UP_WINDOW_SECONDS}, or when the same form carries the
 * password — and, for an account with an authenticator app, a code from it —
 * which Cognito checks now. Otherwise the form comes back asking for them.
 * "Signed in" means when the person authenticated (the ID token's
 * `auth_time`), so a Hosted UI sign-in out of Cognito's own older session
 * does not make a session fresh.
 *
 * Use on a page (the email form on /account, /account/mfa and /account/passkeys do):
 *
 * ```ts
 * // loader: which fields the form must show
 * const stepUp = stepUpPrompt(session, { mfaEnabled: profile.mfaEnabled });
 * // schema: spread the fields (from `~/forms/fields`) into the form's schema
 * z.object({ intent: z.literal("add-passkey"), ...stepUpFormFields })
 * // action, before the change:
 * const check = await verifyStepUp(session, submission.data, { context });
 * if (!check.ok) return submission.reply(stepUpReply(check));
 * // component: <StepUpFields prompt={reply.extra?.stepUp ?? stepUp} reply={reply} /> inside the <Form>
 * ```
 *
 * Checking the password never touches the current session: it signs in on
 * the side (InitiateAuth USER_PASSWORD_AUTH, then the TOTP challenge when
 * Cognito asks for it), makes sure the tokens belong to this same user, and
 * revokes the refresh token that side sign-in produced at once. The session
 * cookie is not rewritten, so "signed in at" keeps meaning the last real
 * sign-in. Every password or code entered here goes through the rate limiter,
 * like every other password entry.
 *
 * With the Hosted UI only (AUTH_FLOW=hosted), the app client may not allow
 * password sign-in through the API: the form then asks the person to sign in
 * again, through the Hosted UI with `prompt=login` (Cognito asks for the
 * password even while its own session lasts).
 */
import type { AppLoadContext } from "@remix-run/node";
import { createAuthSession, federatedProvider } from "~/cognito/auth-session.server";
import {
  ChallengeExpiredError,
  ChallengeRequiredError,
  CodeMismatchError,
  CognitoAuthError,
  ExpiredCodeError,
  InvalidCredentialsError,
} from "~/cognito/errors.server";
import { getEnv } from "~/env.server";
import type { ReplyOptions } from "~/forms/form.server";
import { limitCredentialCheck } from "~/http/rate-limit.server";
import { getCognitoServices } from "./cognito-services.server";
import type { CurrentSession } from "./current-session.server";
import { describeFlowChoice } from "./flow.server";

/** A sign-in this recent needs nothing more for a sensitive change. */
export const STEP_UP_WINDOW_SECONDS = 10 * 60;

/** What a form for a sensitive change must ask for. */
export interface StepUpPrompt {
  /** The session signed in too long ago: something must be entered (or the person must sign in again). */
  required: boolean;
  /** Ask for the password (false when it cannot be checked here: sign in again instead). */
  password: boolean;
  /** Ask for a code from the authenticator app too (the account has TOTP on). */
  code: boolean;
  /**
   * Offer signing in again instead (with an emailed code or a passkey): the way through for an
   * account that has no password, which exists only where choice-based sign-in is on.
   */
  signInAgain: boolean;
  /**
   * A federated account (it signs in only through this identity provider): the way through is a
   * fresh sign-in with the provider (`prompt=login`), never a password.
   */
  provider?: string;
}

export type StepUpResult =
  | { ok: true; via: "recent-sign-in" | "password" }
  | {
      ok: false;
      status: number;
      /** Messages for `stepUpPassword` / `stepUpCode`. */
      fieldErrors: { stepUpPassword?: string; stepUpCode?: string };
      /** A message for the whole form (Cognito unreachable, sign in again…). */
      formError?: string;
      /** What the form must show now (the step-up fields, even if the page was rendered without them). */
      prompt: StepUpPrompt;
    };

/** A failed check as the form's reply: its messages, and the step-up fields the form must show now. */
export function stepUpReply(check: Extract<StepUpResult, { ok: false }>): ReplyOptions<{ stepUp: StepUpPrompt }> {
  return {
    status: check.status,
    formError: check.formError ?? null,
    fieldErrors: check.fieldErrors,
    extra: { stepUp: check.prompt },
  };
}

/** Whether the session's sign-in is recent enough for a sensitive change on its own. */
export function signedInRecently(session: Pick<CurrentSession, "signedInAt">, now = Date.now()): boolean {
  return now / 1000 - session.signedInAt < STEP_UP_WINDOW_SECONDS;
}

/** Can the password be checked through the API here (the app's own form may be used)? */
function passwordCheckAvailable(): boolean {
  return describeFlowChoice(getEnv()).customAllowed;
}

/** The password fields, and (for accounts without a password) the offer to sign in again. */
function passwordPrompt(code: boolean): StepUpPrompt {
  return { required: true, password: true, code, signInAgain: getEnv().userAuth };
}

/** Hosted UI only: nothing can be checked here, so sign in again (through the Hosted UI, `prompt=login`). */
const SIGN_IN_AGAIN: StepUpPrompt = { required: true, password: false, code: false, signInAgain: false };

/** A federated account proves itself with a fresh sign-in at its provider. */
function providerPrompt(provider: string): StepUpPrompt {
  return { required: true, password: false, code: false, signInAgain: false, provider };
}

/** For a loader: which step-up fields the form for a sensitive change must show. */
export function stepUpPrompt(
  session: Pick<CurrentSession, "signedInAt" | "user">,
  { mfaEnabled }: { mfaEnabled: boolean },
): StepUpPrompt {
  if (signedInRecently(session)) return { required: false, password: false, code: false, signInAgain: false };
  const provider = federatedProvider(session.user);
  if (provider) return providerPrompt(provider);
  return passwordCheckAvailable() ? passwordPrompt(mfaEnabled) : SIGN_IN_AGAIN;
}

/**
 * For an action, before a sensitive change: passes when the session signed in
 * recently, or when `submitted` re-authenticates this same user with Cognito
 * (see the module comment). Throws 429 (the rate limiter) when too many
 * passwords or codes were tried.
 */
export async function verifyStepUp(
  session: CurrentSession,
  submitted: { stepUpPassword?: string; stepUpCode?: string },
  { context }: { context: AppLoadContext },
): Promise<StepUpResult> {
  if (signedInRecently(session)) return { ok: true, via: "recent-sign-in" };
  const provider = federatedProvider(session.user);
  if (provider) {
    return {
      ok: false,
      status: 403,
      fieldErrors: {},
      formError: `For your security, sign in again with ${provider}, then make this change within 10 minutes.`,
      prompt: providerPrompt(provider),
    };
  }
  if (!passwordCheckAvailable()) {
    return {
      ok: false,
      status: 403,
      fieldErrors: {},
      formError: "For your security, sign in again, then make this change within 10 minutes.",
      prompt: SIGN_IN_AGAIN,
    };
  }
  const password = submitted.stepUpPassword ?? "";
  if (!password) {
    return {
      ok: false,
      status: 403,
      fieldErrors: { stepUpPassword: "Enter your password to confirm this change." },
      prompt: passwordPrompt(Boolean(submitted.stepUpCode)),
    };
  }
  try {
    // A password guess like any other: failures count per user and client address (429 when blocked).
    await limitCredentialCheck({ context }, "step-up", session.user.sub, () =>
      reauthenticate(session, password, submitted.stepUpCode),
    );
    logStepUp(session, "success");
    return { ok: true, via: "password" };
  } catch (error) {
    if (error instanceof CodeNeeded) {
      return {
        ok: false,
        status: 403,
        fieldErrors: { stepUpCode: "Enter the 6-digit code from your authenticator app too." },
        prompt: passwordPrompt(true),
      };
    }
    if (!(error instanceof CognitoAuthError)) throw error;
    logStepUp(session, `failure:${error.name}`);
    if (error instanceof InvalidCredentialsError) {
      return {
        ok: false,
        status: 401,
        fieldErrors: { stepUpPassword: "That password is not correct." },
        prompt: passwordPrompt(Boolean(submitted.stepUpCode)),
      };
    }
    if (
      error instanceof CodeMismatchError ||
      error instanceof ExpiredCodeError ||
      error instanceof ChallengeExpiredError
    ) {
      return {
        ok: false,
        status: 401,
        fieldErrors: { stepUpCode: "That code is not correct. Enter the current code from your app." },
        prompt: passwordPrompt(true),
      };
    }
    return {
      ok: false,
      status: error.status,
      fieldErrors: {},
      formError: error.userMessage,
      prompt: passwordPrompt(false),
    };
  }
}

/** The account has TOTP on and no code was given: ask for it (nothing is wrong yet). */
class CodeNeeded extends Error {}

/**
 * Signs this user in on the side and throws unless it works: the password
 * (and code) must be right, and the tokens must be this session's user's.
 * The side sign-in's refresh token is revoked at once; its access token is
 * never stored and expires on its own.
 */
async function reauthenticate(session: CurrentSession, password: string, code: string | undefined): Promise<void> {
  const { signInApi, account, verifiers } = getCognitoServices();
  const username = session.user.username;
  let tokens;
  try {
    tokens = await signInApi.signInWithPassword(username, password);
  } catch (error) {
    if (!(error instanceof ChallengeRequiredError) || error.challengeName !== "SOFTWARE_TOKEN_MFA") throw error;
    const trimmed = code?.trim() ?? "";
    if (!trimmed) throw new CodeNeeded();
    if (!/^\d{6}$/.test(trimmed)) throw new CodeMismatchError("not a 6-digit code");
    tokens = await account.respondToChallenge(
      { name: error.challengeName, challengeSession: error.challengeSession, username: error.username },
      { SOFTWARE_TOKEN_MFA_CODE: trimmed },
    );
  }
  try {
    const confirmed = await createAuthSession(verifiers, tokens, "custom");
    // The username came from this session, so this holds unless something is
    // badly wrong; check rather than assume: the proof must be about this user.
    if (confirmed.user.sub !== session.user.sub) throw new InvalidCredentialsError("step-up: another user");
  } finally {
    if (tokens.refreshToken) {
      await signInApi.revoke(tokens.refreshToken).catch((error: Error) => {
        console.warn(`[auth] step-up: could not revoke the side sign-in's refresh token (${error.name})`);
      });
    }
  }
}

function logStepUp(session: CurrentSession, outcome: string): void {
  console.info(`[auth] step-up outcome=${outcome} user=sub:${session.user.sub}`);
}
