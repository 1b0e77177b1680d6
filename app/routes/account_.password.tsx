import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/auth.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { PASSWORD_MAX_LENGTH } from "~/auth/password-policy";
import { endOtherSessions } from "~/auth/session-tracking.server";
import {
  CognitoAuthError,
  InvalidCredentialsError,
  PasswordPolicyError,
  toCognitoError,
} from "~/cognito/errors.server";
import { AccountNav } from "~/components/account-nav";
import { Field } from "~/components/field";
import { FormError } from "~/components/form-error";
import { NewPasswordFields } from "~/components/new-password-fields";
import { SubmitButton } from "~/components/submit-button";
import { newPasswordFields, parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { classifyCredentialOutcome, limitCredentialCheck } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Change password · remix-cognito" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  return data({}, { headers: session.headers });
}

const WRONG_CURRENT_PASSWORD = "Your current password is not correct.";

const PasswordForm = z
  .object({
    current: z
      .string({ required_error: "Enter your current password." })
      .min(1, "Enter your current password.")
      .max(PASSWORD_MAX_LENGTH, "That is too long for a password."),
    ...newPasswordFields,
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords do not match." })
  .refine((v) => v.password !== v.current, {
    path: ["password"],
    message: "Choose a new password that is different from your current one.",
  });

/**
 * cognito-local 5.3.0 answers a wrong PreviousPassword with a bare
 * InvalidPasswordException ("Invalid password", see its changePassword.js),
 * which the account mapping reads as a policy failure. AWS answers a wrong
 * password with NotAuthorizedException, and its policy failures always name
 * the rule ("Password did not conform with policy: …"), so only the bare form
 * means "wrong current password". Derived from the one mapping, not copied.
 */
const BARE_INVALID_PASSWORD = toCognitoError(
  { name: "InvalidPasswordException", message: "Invalid password" },
  "account",
);

function isWrongCurrentPassword(error: CognitoAuthError): boolean {
  return (
    error instanceof InvalidCredentialsError ||
    (error instanceof PasswordPolicyError && error.userMessage === BARE_INVALID_PASSWORD.userMessage)
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  const reply = (error: string | null, fieldErrors: Partial<Record<string, string>>, status: number) =>
    data({ error, fieldErrors }, { status, headers: session.headers });

  const parsed = await parseForm(request, PasswordForm);
  if (!parsed.ok) return reply(parsed.formError ?? null, parsed.fieldErrors, 400);

  try {
    const { current, password } = parsed.data;
    // Someone at an unattended, signed-in browser must not be able to guess
    // the current password at full speed.
    await limitCredentialCheck(
      { context },
      "change-password",
      session.user.sub,
      () => getCognitoServices().account.changePassword(session.tokens.accessToken, current, password),
      (error) =>
        error instanceof CognitoAuthError && isWrongCurrentPassword(error)
          ? "failure"
          : classifyCredentialOutcome(error),
    );
  } catch (error) {
    if (!(error instanceof CognitoAuthError)) throw error;
    if (isWrongCurrentPassword(error)) return reply(null, { current: WRONG_CURRENT_PASSWORD }, 400);
    if (error instanceof PasswordPolicyError) return reply(null, { password: error.userMessage }, 400);
    return reply(error.userMessage, {}, error.status);
  }
  // Cognito keeps existing tokens valid after a password change, so the app ends the user's
  // other sessions itself (and copies of this cookie: this session goes on under a new id).
  const headers = await endOtherSessions(session.stored, session.user.sub, request, session.headers);
  throw redirect("/account?notice=password-changed", { headers });
}

export default function AccountPassword() {
  const actionData = useActionData<typeof action>();
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  const summary = actionData?.error ?? (Object.keys(fieldErrors).length > 0 ? "Please check the form below." : null);
  return (
    <main>
      <div className="card">
        <AccountNav />
        <h1>Change password</h1>
        <FormError message={summary} />
        <Form method="post" noValidate>
          <Field
            name="current"
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={PASSWORD_MAX_LENGTH}
            error={fieldErrors.current}
          />
          <NewPasswordFields errors={fieldErrors} />
          <SubmitButton pendingLabel="Changing…">Change password</SubmitButton>
        </Form>
      </div>
    </main>
  );
}
