/**
 * POST /account/passkeys/register: adding a passkey, for the script on
 * /account/passkeys (JSON in and out).
 * `start`: StartWebAuthnRegistration's creation options for
 * `navigator.credentials.create`; `finish`: CompleteWebAuthnRegistration with
 * the browser's answer. Both pass the step-up check (app/auth/step-up.server.ts:
 * a recent sign-in, or the password — and TOTP code — sent along).
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { CognitoAuthError, getCognitoServices, requireUser, verifyStepUp } from "~/auth/auth.server";
import { stepUpFormFields } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { jsonReply } from "~/http/json-reply.server";

const RegisterForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start"), ...stepUpFormFields }),
  // A RegistrationResponseJSON (attestation included) stays well under the form cap.
  z.object({ intent: z.literal("finish"), credential: z.string().min(2).max(12_000), ...stepUpFormFields }),
]);

function reply(body: Record<string, unknown>, status: number, headers: Headers) {
  return jsonReply(body, { status, headers });
}

export async function loader() {
  return new Response("Not found", { status: 404 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  const { passwordless } = getCognitoServices();
  if (!passwordless) return reply({ error: "Passkeys are not available here." }, 404, session.headers);
  const parsed = await parseForm(request, RegisterForm);
  if (!parsed.ok) return reply({ error: parsed.formError ?? "Please try again." }, 400, session.headers);
  const check = await verifyStepUp(session, parsed.data, { context });
  if (!check.ok) {
    const error =
      check.formError ?? check.fieldErrors.stepUpPassword ?? check.fieldErrors.stepUpCode ?? "Confirm it’s you.";
    return reply({ error, fieldErrors: check.fieldErrors, stepUp: check.prompt }, check.status, session.headers);
  }
  const accessToken = session.tokens.accessToken;
  try {
    if (parsed.data.intent === "start") {
      const options = await passwordless.startPasskeyRegistration(accessToken);
      return reply({ options }, 200, session.headers);
    }
    let credential: unknown;
    try {
      credential = JSON.parse(parsed.data.credential);
    } catch {
      credential = null;
    }
    if (!credential || typeof credential !== "object" || Array.isArray(credential)) {
      return reply({ error: "The passkey could not be saved. Please try again." }, 400, session.headers);
    }
    await passwordless.completePasskeyRegistration(accessToken, credential as Record<string, unknown>);
    return reply({ redirectTo: "/account/passkeys?notice=added" }, 200, session.headers);
  } catch (error) {
    if (error instanceof CognitoAuthError) return reply({ error: error.userMessage }, error.status, session.headers);
    throw error;
  }
}
