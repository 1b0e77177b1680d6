import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireChallenge, saveChallenge } from "~/auth/challenge.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { completeCustomSignIn } from "~/auth/sign-in.server";
import { ChallengeExpiredError, ChallengeRequiredError, CognitoAuthError } from "~/cognito/errors.server";
import { Field } from "~/components/field";
import { FormError, FormSuccess } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitCodeSend, limitCredentialCheck } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Enter the code we emailed you · remix-cognito" }];

/**
 * The emailed sign-in code (USER_AUTH's EMAIL_OTP challenge). Like /login/mfa,
 * Cognito's challenge `Session` stays in the sealed challenge cookie. A wrong
 * code can be corrected (Cognito spends the challenge after a few); an
 * expired or spent one asks for a new code, which "Send a new code" starts
 * again for the same email.
 */
const CHALLENGE = "EMAIL_OTP";

export async function loader({ request }: LoaderFunctionArgs) {
  const pending = requireChallenge(request, CHALLENGE);
  return { login: pending.login, destination: pending.destination ?? null };
}

// Cognito's email codes have 8 digits (6 on some pools): accept 6 to 8.
const VerifyForm = z.object({
  intent: z.literal("verify"),
  code: z
    .string({ required_error: "Enter the code from the email." })
    .trim()
    .regex(/^\d{6,8}$/, "Enter the code from the email (digits only)."),
});
const ResendForm = z.object({ intent: z.literal("resend") });
const CodeForm = z.discriminatedUnion("intent", [VerifyForm, ResendForm]);

type Reply = { error: string | null; fieldErrors: Partial<Record<string, string>>; notice?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const pending = requireChallenge(request, CHALLENGE);
  const { passwordless } = getCognitoServices();
  if (!passwordless) throw data({ message: "Sign-in codes are not available here." }, { status: 404 });
  const parsed = await parseForm(request, CodeForm);
  if (!parsed.ok) {
    return data<Reply>({ error: parsed.formError ?? null, fieldErrors: parsed.fieldErrors }, { status: 400 });
  }

  if (parsed.data.intent === "resend") {
    // Sending counts against the same limit as every code e-mail.
    await limitCodeSend({ context });
    try {
      await passwordless.signIn(pending.login, "EMAIL_OTP");
    } catch (error) {
      if (error instanceof ChallengeRequiredError && error.challengeName === CHALLENGE) {
        const headers = saveChallenge(error, { login: pending.login, redirectTo: pending.redirectTo }, request);
        return data<Reply>({ error: null, fieldErrors: {}, notice: "We sent a new code." }, { headers });
      }
      if (error instanceof CognitoAuthError) {
        return data<Reply>({ error: error.userMessage, fieldErrors: {} }, { status: error.status });
      }
      throw error;
    }
    return data<Reply>(
      { error: "We could not send a new code. Please sign in again.", fieldErrors: {} },
      { status: 502 },
    );
  }

  const { code } = parsed.data;
  try {
    // A code guess like any other: counted per account and per client address.
    const tokens = await limitCredentialCheck({ context }, "email-code", pending.username, () =>
      passwordless.answerEmailCode(pending, code),
    );
    return await completeCustomSignIn(tokens, request, pending.redirectTo, "email-code");
  } catch (error) {
    if (error instanceof ChallengeRequiredError) {
      return data<Reply>({ error: error.userMessage, fieldErrors: {} }, { status: error.status });
    }
    if (error instanceof ChallengeExpiredError) {
      // Expired, used, or spent by wrong tries: the email is still known, so a new code is one click away.
      const message = "This code has expired or can no longer be used. Send a new code.";
      return data<Reply>({ error: null, fieldErrors: { code: message } }, { status: 400 });
    }
    if (error instanceof CognitoAuthError) {
      return data<Reply>({ error: null, fieldErrors: { code: error.userMessage } }, { status: error.status });
    }
    throw error;
  }
}

export default function EmailCode() {
  const { login, destination } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  return (
    <main>
      <div className="card auth-card">
        <h1>Check your email</h1>
        <p>
          We sent a sign-in code for <strong>{login}</strong>
          {destination ? ` to ${destination}` : ""}. It works once and for a few minutes.
        </p>
        <FormSuccess message={actionData?.notice ?? null} />
        <FormError message={actionData?.error ?? (fieldErrors.code ? "Please check the code." : null)} />
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="verify" />
          <Field
            name="code"
            label="Code"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6,8}"
            maxLength={8}
            required
            autoFocus
            error={fieldErrors.code}
          />
          <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
        </Form>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="resend" />
          <SubmitButton className="button button-secondary" pendingLabel="Sending…">
            Send a new code
          </SubmitButton>
        </Form>
        <p className="auth-links">
          <Link to="/login">Sign in another way</Link>
        </p>
      </div>
    </main>
  );
}
