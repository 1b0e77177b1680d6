import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { z } from "zod";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { requireCustomFlowAllowed } from "~/auth/flow.server";
import { CognitoAuthError, ServiceUnavailableError, TooManyRequestsError } from "~/cognito/errors.server";
import { Field } from "~/components/field";
import { FormError } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { emailField, parseForm } from "~/forms/form.server";
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
  const parsed = await parseForm(request, ForgotForm);
  if (!parsed.ok) return data({ error: parsed.formError ?? null, fieldErrors: parsed.fieldErrors }, { status: 400 });
  const { username } = parsed.data;
  await limitCodeSend({ context });
  try {
    await getCognitoServices().account.forgotPassword(username);
  } catch (error) {
    // Unknown user, unverified email, anything about the account itself: the
    // same answer as success, so nobody can probe which emails have accounts.
    if (error instanceof ServiceUnavailableError || error instanceof TooManyRequestsError) {
      return data({ error: error.userMessage, fieldErrors: {} }, { status: error.status });
    }
    if (!(error instanceof CognitoAuthError)) throw error;
  }
  throw redirect(`/reset-password?${new URLSearchParams({ username, notice: "sent" })}`);
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>();
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  return (
    <main>
      <div className="card auth-card">
        <h1>Forgot your password?</h1>
        <p>Enter your email and we will send you a code to choose a new password.</p>
        <FormError message={actionData?.error} />
        <Form method="post" noValidate>
          <Field
            name="username"
            label="Email"
            type="email"
            autoComplete="username"
            required
            maxLength={128}
            error={fieldErrors.username}
          />
          <SubmitButton pendingLabel="Sending…">Send code</SubmitButton>
        </Form>
        <p className="auth-links">
          <Link to="/login">Back to sign in</Link>
        </p>
      </div>
    </main>
  );
}
