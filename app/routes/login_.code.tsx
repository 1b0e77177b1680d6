import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  ChallengeRequiredError,
  getCognitoServices,
  requireChallenge,
  SignInCodeSpentError,
  saveChallenge,
  signInStep,
} from "~/auth/auth.server";
import { AuthCard } from "~/components/auth-card";
import { CodeField, ResendCodeForm } from "~/components/code-field";
import { FormError, FormSuccess } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitCodeSend, limitCredentialCheck, takeCodeTry } from "~/http/rate-limit.server";

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
  // Masked from what was typed, never from Cognito's answer: an unknown name, an account that
  // gets no code and a real one read the same.
  return { login: pending.login, destination: maskEmail(pending.login) };
}

/** `demo@example.com` → `d***@e***`, as Cognito masks where a code went; null for a non-address. */
function maskEmail(login: string): string | null {
  const at = login.indexOf("@");
  return at > 0 && at < login.length - 1 ? `${login[0]}***@${login[at + 1]}***` : null;
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

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const pending = requireChallenge(request, CHALLENGE);
  const { passwordless } = getCognitoServices();
  if (!passwordless) throw data({ message: "Sign-in codes are not available here." }, { status: 404 });
  const submission = await parseForm(request, CodeForm);
  if (!submission.ok) return submission.reply();
  const form = submission.data;

  if (form.intent === "resend") {
    // Sending counts against the same limit as every code e-mail.
    await limitCodeSend({ context });
    return submission.attempt(async () => {
      try {
        await passwordless.requestEmailCode(pending.login);
      } catch (error) {
        if (!(error instanceof ChallengeRequiredError) || error.challengeName !== CHALLENGE) throw error;
        const headers = saveChallenge(error, { login: pending.login, redirectTo: pending.redirectTo }, request);
        return submission.reply({ notice: "We sent a new code.", headers });
      }
      return submission.reply({ formError: "We could not send a new code. Please sign in again.", status: 502 });
    });
  }

  // A code guess like any other: counted per account and per client address. Each code has
  // CODE_TRIES, counted here for real and decoy codes alike. A spent code (SignInCodeSpentError)
  // stays on this page: the email is known, a new code is one click away.
  return submission.attempt(() =>
    signInStep(request, { ...pending, step: "email-code" }, () =>
      limitCredentialCheck({ context }, "email-code", pending.username, async () => {
        if (!(await takeCodeTry(pending.challengeSession))) throw new SignInCodeSpentError("no tries left");
        return passwordless.answerEmailCode(pending, form.code);
      }),
    ),
  );
}

export default function EmailCode() {
  const { login, destination } = useLoaderData<typeof loader>();
  const reply = useFormReply();
  return (
    <AuthCard title="Check your email" links={<Link to="/login">Sign in another way</Link>}>
      <p>
        We sent a sign-in code for <strong>{login}</strong>
        {destination ? ` to ${destination}` : ""}. It works once and for a few minutes.
      </p>
      <FormSuccess message={reply.notice} />
      <FormError message={reply.summary} />
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="verify" />
        <CodeField reply={reply} autoFocus maxDigits={8} />
        <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
      </Form>
      <ResendCodeForm />
    </AuthCard>
  );
}
