import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { requireCustomFlowAllowed } from "~/auth/flow.server";
import { endAllSessions, userIdForLogin } from "~/auth/session-tracking.server";
import {
  CodeMismatchError,
  CognitoAuthError,
  ExpiredCodeError,
  InvalidCredentialsError,
  PasswordPolicyError,
} from "~/cognito/errors.server";
import { CodeField } from "~/components/code-field";
import { Field } from "~/components/field";
import { FormError, FormSuccess } from "~/components/form-error";
import { NewPasswordFields } from "~/components/new-password-fields";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { codeField, emailField, newPasswordFields, parseForm } from "~/forms/form.server";
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

const ResetForm = z
  .object({ username: emailField, code: codeField, ...newPasswordFields })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords do not match." });

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  requireCustomFlowAllowed(getEnv());
  const parsed = await parseForm(request, ResetForm);
  if (!parsed.ok) return data({ error: parsed.formError ?? null, fieldErrors: parsed.fieldErrors }, { status: 400 });
  const { username, code, password } = parsed.data;
  try {
    await limitCredentialCheck({ context }, "reset", username, () =>
      getCognitoServices().account.confirmForgotPassword(username, code, password),
    );
  } catch (error) {
    if (
      error instanceof CodeMismatchError ||
      error instanceof ExpiredCodeError ||
      error instanceof InvalidCredentialsError
    ) {
      // Unknown user reads like a wrong code: no account probing here either.
      const message = error instanceof ExpiredCodeError ? error.userMessage : new CodeMismatchError().userMessage;
      return data({ error: null, fieldErrors: { code: message } }, { status: 400 });
    }
    if (error instanceof PasswordPolicyError) {
      return data({ error: null, fieldErrors: { password: error.userMessage } }, { status: 400 });
    }
    if (error instanceof CognitoAuthError)
      return data({ error: error.userMessage, fieldErrors: {} }, { status: error.status });
    throw error;
  }
  // Whoever knew the old password is signed out everywhere. The answer is the same whether or
  // not we knew the account (no probing for accounts here either).
  const userId = await userIdForLogin(username);
  if (userId) await endAllSessions(userId);
  throw redirect("/login?notice=password-reset");
}

export default function ResetPassword() {
  const { username, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  const summary = actionData?.error ?? (Object.keys(fieldErrors).length ? "Please correct the fields below." : null);
  return (
    <main>
      <div className="card auth-card">
        <h1>Choose a new password</h1>
        <FormSuccess message={actionData ? null : notice} />
        <FormError message={summary} />
        <Form method="post" noValidate>
          <Field
            name="username"
            label="Email"
            type="email"
            autoComplete="username"
            required
            maxLength={128}
            defaultValue={username}
            error={fieldErrors.username}
          />
          <CodeField error={fieldErrors.code} label="Code from the email" />
          <NewPasswordFields errors={fieldErrors} />
          <SubmitButton pendingLabel="Saving…">Set new password</SubmitButton>
        </Form>
        <p className="auth-links">
          <Link to="/forgot-password">Send a new code</Link> · <Link to="/login">Back to sign in</Link>
        </p>
      </div>
    </main>
  );
}
