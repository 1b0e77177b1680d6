import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link } from "@remix-run/react";
import { z } from "zod";
import { getCognitoServices, requireCustomFlowAllowed, savePendingStep } from "~/auth/auth.server";
import { AuthCard } from "~/components/auth-card";
import { EmailField } from "~/components/email-field";
import { Field } from "~/components/field";
import { FormError } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { emailField } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
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
  const submission = await parseForm(request, SignUpForm);
  if (!submission.ok) return submission.reply();
  const { email, name } = submission.data;
  await limitSignUp({ context });
  return submission.attempt(async () => {
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
  });
}

export default function SignUpWithEmail() {
  const reply = useFormReply();
  return (
    <AuthCard
      title="Create an account with your email"
      links={
        <>
          <Link to="/signup">Sign up with a password instead</Link> · <Link to="/login">Sign in</Link>
        </>
      }
    >
      <p>No password needed: we email you a code to confirm, and you sign in with emailed codes or a passkey.</p>
      <FormError message={reply.summary} />
      <Form method="post" noValidate>
        <EmailField name="email" autoComplete="email" reply={reply} />
        <Field name="name" label="Name (optional)" type="text" autoComplete="name" maxLength={128} reply={reply} />
        <SubmitButton pendingLabel="Creating account…">Create account</SubmitButton>
      </Form>
    </AuthCard>
  );
}
