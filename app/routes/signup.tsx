import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { requireCustomFlowAllowed } from "~/auth/flow.server";
import { CognitoAuthError, PasswordPolicyError, UsernameExistsError } from "~/cognito/errors.server";
import { Field } from "~/components/field";
import { FormError } from "~/components/form-error";
import { NewPasswordFields } from "~/components/new-password-fields";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { emailField, newPasswordFields, parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitSignUp } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Create an account · remix-cognito" }];

export async function loader(_: LoaderFunctionArgs) {
  const env = getEnv();
  requireCustomFlowAllowed(env);
  return { passwordless: env.userAuth };
}

const SignUpForm = z
  .object({
    email: emailField,
    name: z.string().trim().max(128, "That name is too long.").optional(),
    ...newPasswordFields,
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords do not match." });

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  requireCustomFlowAllowed(getEnv());
  const parsed = await parseForm(request, SignUpForm);
  if (!parsed.ok) {
    return data(
      { error: parsed.formError ?? "Please correct the fields below.", fieldErrors: parsed.fieldErrors },
      { status: 400 },
    );
  }
  const { email, name, password } = parsed.data;
  await limitSignUp({ context });
  try {
    const result = await getCognitoServices().account.signUp({ email, password, name: name || undefined });
    if (result.confirmed) throw redirect("/login?notice=confirmed");
    throw redirect(`/confirm?${new URLSearchParams({ username: email, notice: "code-sent" })}`);
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof PasswordPolicyError) {
      return data(
        { error: "Please correct the fields below.", fieldErrors: { password: error.userMessage } },
        { status: 400 },
      );
    }
    if (error instanceof UsernameExistsError) {
      return data({ error: null, fieldErrors: { email: error.userMessage } }, { status: 400 });
    }
    if (error instanceof CognitoAuthError) {
      return data({ error: error.userMessage, fieldErrors: {} }, { status: error.status });
    }
    throw error;
  }
}

export default function SignUp() {
  const { passwordless } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  return (
    <main>
      <div className="card auth-card">
        <h1>Create an account</h1>
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
          <NewPasswordFields errors={fieldErrors} label="Password" />
          <SubmitButton pendingLabel="Creating account…">Create account</SubmitButton>
        </Form>
        <p className="auth-links">
          {passwordless ? (
            <>
              <Link to="/signup/email">Sign up without a password</Link> ·{" "}
            </>
          ) : null}
          Already have an account? <Link to="/login">Sign in</Link>
        </p>
      </div>
    </main>
  );
}
