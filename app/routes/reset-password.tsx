import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { endAllSessions, getCognitoServices, requireCustomFlowAllowed, userIdForLogin } from "~/auth/auth.server";
import { AuthCard } from "~/components/auth-card";
import { CodeField } from "~/components/code-field";
import { EmailField } from "~/components/email-field";
import { FormError, FormSuccess } from "~/components/form-error";
import { NewPasswordFields } from "~/components/new-password-fields";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { codeField, emailField, passwordPair } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitCredentialCheck } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password · remix-cognito" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireCustomFlowAllowed(getEnv());
  const url = new URL(request.url);
  return {
    username: (url.searchParams.get("username") ?? "").slice(0, 128),
    notice:
      url.searchParams.get("notice") === "sent"
        ? "If an account exists for this email, we sent it a code. Enter it below with your new password."
        : null,
  };
}

const ResetForm = passwordPair({ username: emailField, code: codeField });

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  requireCustomFlowAllowed(getEnv());
  const submission = await parseForm(request, ResetForm);
  if (!submission.ok) return submission.reply();
  const { username, code, password } = submission.data;
  return submission.attempt(async () => {
    await limitCredentialCheck({ context }, "reset", username, () =>
      getCognitoServices().account.confirmForgotPassword(username, code, password),
    );
    // Whoever knew the old password is signed out everywhere. The answer is the same whether or
    // not we knew the account (no probing for accounts here either).
    const userId = await userIdForLogin(username);
    if (userId) await endAllSessions(userId);
    throw redirect("/login?notice=password-reset");
  });
}

export default function ResetPassword() {
  const { username, notice } = useLoaderData<typeof loader>();
  const reply = useFormReply();
  return (
    <AuthCard
      title="Choose a new password"
      links={
        <>
          <Link to="/forgot-password">Send a new code</Link> · <Link to="/login">Back to sign in</Link>
        </>
      }
    >
      <FormSuccess message={reply.submitted ? null : notice} />
      <FormError message={reply.summary} />
      <Form method="post" noValidate>
        <EmailField name="username" autoComplete="username" defaultValue={username} reply={reply} />
        <CodeField label="Code from the email" reply={reply} />
        <NewPasswordFields reply={reply} />
        <SubmitButton pendingLabel="Saving…">Set new password</SubmitButton>
      </Form>
    </AuthCard>
  );
}
