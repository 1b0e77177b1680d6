import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { z } from "zod";
import { savePendingStep } from "~/auth/challenge.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { requireCustomFlowAllowed } from "~/auth/flow.server";
import { CognitoAuthError, UsernameExistsError } from "~/cognito/errors.server";
import { Field } from "~/components/field";
import { FormError } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { emailField, parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitSignUp } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Create an account with your email · remix-cognito" }];

/**
 * Passwordless sign-up: an email address (and a name), no password. Cognito
 * sends a code; /signup/code confirms it and signs the new user in at once
 * with the sign-up `Session`, kept in the sealed challenge cookie.
 */
const SIGN_UP_STEP = "SIGN_UP";

function requirePasswordless() {
  const env = getEnv();
  requireCustomFlowAllowed(env);
  const { passwordless } = getCognitoServices();
  if (!passwordless) throw redirect("/signup");
  return passwordless;
}

export async function loader(_: LoaderFunctionArgs) {
  requirePasswordless();
  return null;
}

const SignUpForm = z.object({
  email: emailField,
  name: z.string().trim().max(128, "That name is too long.").optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const passwordless = requirePasswordless();
  const parsed = await parseForm(request, SignUpForm);
  if (!parsed.ok) {
    return data(
      { error: parsed.formError ?? "Please correct the fields below.", fieldErrors: parsed.fieldErrors },
      { status: 400 },
    );
  }
  const { email, name } = parsed.data;
  await limitSignUp({ context });
  try {
    const result = await passwordless.signUpWithoutPassword(email, name || undefined);
    if (result.confirmed) throw redirect("/login?notice=confirmed");
    const headers = savePendingStep(
      {
        name: SIGN_UP_STEP,
        challengeSession: result.signUpSession ?? "",
        username: email,
        login: email,
        redirectTo: "/dashboard",
        destination: result.destination,
      },
      request,
    );
    throw redirect("/signup/code", { headers });
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof UsernameExistsError) {
      return data({ error: null, fieldErrors: { email: error.userMessage } }, { status: 400 });
    }
    if (error instanceof CognitoAuthError) {
      return data({ error: error.userMessage, fieldErrors: {} }, { status: error.status });
    }
    throw error;
  }
}

export default function SignUpWithEmail() {
  const actionData = useActionData<typeof action>();
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  return (
    <main>
      <div className="card auth-card">
        <h1>Create an account with your email</h1>
        <p>No password needed: we email you a code to confirm, and you sign in with emailed codes or a passkey.</p>
        <FormError message={actionData?.error} />
        <Form method="post" noValidate>
          <Field
            name="email"
            label="Email"
            type="email"
            autoComplete="email"
            required
            maxLength={128}
            error={fieldErrors.email}
          />
          <Field
            name="name"
            label="Name (optional)"
            type="text"
            autoComplete="name"
            maxLength={128}
            error={fieldErrors.name}
          />
          <SubmitButton pendingLabel="Creating account…">Create account</SubmitButton>
        </Form>
        <p className="auth-links">
          <Link to="/signup">Sign up with a password instead</Link> · <Link to="/login">Sign in</Link>
        </p>
      </div>
    </main>
  );
}
