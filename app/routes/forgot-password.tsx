import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link } from "@remix-run/react";
import { z } from "zod";
import { getCognitoServices, requireCustomFlowAllowed } from "~/auth/auth.server";
import { AuthCard } from "~/components/auth-card";
import { EmailField } from "~/components/email-field";
import { FormError } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { emailField } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitCodeSend } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Forgot your password? · remix-cognito" }];

export async function loader(_: LoaderFunctionArgs) {
  requireCustomFlowAllowed(getEnv());
  return null;
}

const ForgotForm = z.object({ username: emailField });

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  requireCustomFlowAllowed(getEnv());
  const submission = await parseForm(request, ForgotForm);
  if (!submission.ok) return submission.reply();
  const { username } = submission.data;
  await limitCodeSend({ context });
  return submission.attempt(async () => {
    // The same answer for any email (see forgotPassword): nobody can probe which have accounts.
    await getCognitoServices().account.forgotPassword(username);
    throw redirect(`/reset-password?${new URLSearchParams({ username, notice: "sent" })}`);
  });
}

export default function ForgotPassword() {
  const reply = useFormReply();
  return (
    <AuthCard title="Forgot your password?" links={<Link to="/login">Back to sign in</Link>}>
      <p>Enter your email and we will send you a code to choose a new password.</p>
      <FormError message={reply.summary} />
      <Form method="post" noValidate>
        <EmailField name="username" autoComplete="username" reply={reply} />
        <SubmitButton pendingLabel="Sending…">Send code</SubmitButton>
      </Form>
    </AuthCard>
  );
}
