/**
 * POST /login/passkey: passkey sign-in, for the script on the sign-in page
 * (JSON in and out; no page of its own). `start`: USER_AUTH with PREFERRED_CHALLENGE=WEB_AUTHN;
 * Cognito's challenge `Session` goes into the sealed challenge cookie and
 * only the WebAuthn request options go to the browser. `finish`: the
 * browser's assertion answers the challenge, and the sign-in ends like every
 * other (signInStep → completeSignIn); the reply says where to go.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import {
  ChallengeExpiredError,
  ChallengeRequiredError,
  CognitoAuthError,
  describeCognitoError,
  describeFlowChoice,
  getCognitoServices,
  logSignInAttempt,
  PasskeyRejectedError,
  readChallenge,
  safeRedirect,
  saveChallenge,
  signInStep,
} from "~/auth/auth.server";
import { getEnv } from "~/env.server";
import { parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { jsonReply } from "~/http/json-reply.server";
import { classifyCredentialOutcome, limitCredentialCheck } from "~/http/rate-limit.server";

const CHALLENGE = "WEB_AUTHN";

const PasskeyForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("start"),
    username: z.string().trim().min(1, "Enter your email address.").max(128, "That is too long for a username."),
    redirectTo: z.string().max(2048).optional(),
  }),
  z.object({
    intent: z.literal("finish"),
    // An AuthenticationResponseJSON is well under 4 KB; the form cap bounds it anyway.
    credential: z.string().min(2).max(12_000),
  }),
]);

function reply(body: { error?: string; options?: unknown; redirectTo?: string }, status = 200, headers?: Headers) {
  return jsonReply(body, { status, headers });
}

export async function loader() {
  return reply({ error: "Not found" }, 404);
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const { passwordless } = getCognitoServices();
  if (!passwordless || !describeFlowChoice(getEnv()).customAllowed) {
    return reply({ error: "Passkey sign-in is not available here." }, 404);
  }
  const parsed = await parseForm(request, PasskeyForm);
  if (!parsed.ok) {
    const message = parsed.formError ?? Object.values(parsed.fieldErrors)[0] ?? "Please try again.";
    return reply({ error: message }, 400);
  }

  if (parsed.data.intent === "start") {
    const { username } = parsed.data;
    const redirectTo = safeRedirect(parsed.data.redirectTo);
    try {
      // Starting costs nothing to guess, but counts: a blocked account or address is refused here already.
      await limitCredentialCheck({ context }, "passkey", username, () => passwordless.signIn(username, "WEB_AUTHN"));
      // USER_AUTH never signs in without a proof: a challenge always comes first.
      return reply({ error: "Passkey sign-in could not start. Please try again." }, 502);
    } catch (error) {
      if (error instanceof ChallengeRequiredError && error.challengeName === CHALLENGE) {
        const options = parseOptions(error.parameters.CREDENTIAL_REQUEST_OPTIONS);
        if (!options) return reply({ error: "Passkey sign-in could not start. Please try again." }, 502);
        const headers = saveChallenge(error, { login: username, redirectTo }, request);
        return reply({ options }, 200, headers);
      }
      if (!(error instanceof CognitoAuthError)) throw error;
      logSignInAttempt(username, `failure:${error.name}`);
      return errorReply(error);
    }
  }

  const pending = readChallenge(request, CHALLENGE);
  if (!pending) return reply({ error: new ChallengeExpiredError().userMessage }, 400);
  const { credential } = parsed.data;
  let response: Response;
  try {
    response = await signInStep(request, { ...pending, step: "passkey" }, () =>
      // A refused passkey counts as a failed attempt, like a wrong password.
      limitCredentialCheck(
        { context },
        "passkey",
        pending.username,
        () => passwordless.answerPasskey(pending, credential),
        (error) => (error instanceof PasskeyRejectedError ? "failure" : classifyCredentialOutcome(error)),
      ),
    );
  } catch (error) {
    if (!(error instanceof CognitoAuthError)) throw error;
    return errorReply(error); // signInStep has logged it
  }
  // The redirect's cookies, with the destination in the body for the script to follow.
  const headers = new Headers();
  for (const cookie of response.headers.getSetCookie()) headers.append("Set-Cookie", cookie);
  return reply({ redirectTo: response.headers.get("Location") ?? pending.redirectTo }, 200, headers);
}

/** A Cognito error in this JSON protocol: the message and status every page gives it. */
function errorReply(error: CognitoAuthError): Response {
  const { message, status } = describeCognitoError(error);
  return reply({ error: message }, status);
}

/** CREDENTIAL_REQUEST_OPTIONS is a JSON string (PublicKeyCredentialRequestOptionsJSON). */
function parseOptions(raw: string | undefined): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    const options = JSON.parse(raw) as unknown;
    return options && typeof options === "object" && typeof (options as { challenge?: unknown }).challenge === "string"
      ? (options as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
