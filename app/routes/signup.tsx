import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getCognitoServices, requireCustomFlowAllowed } from "~/auth/auth.server";
import { AuthCard } from "~/components/auth-card";
import { EmailField } from "~/components/email-field";
import { Field } from "~/components/field";
import { FormError } from "~/components/form-error";
import { NewPasswordFields } from "~/components/new-password-fields";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { emailField, passwordPair } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitSignUp } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Create an account · remix-cognito" }];

export async function loader(_: LoaderFunctionArgs) {
  const env = getEnv();
  requireCustomFlowAllowed(env);
  return { passwordless: env.userAuth };
}

const SignUpForm = passwordPair({
  email: emailField,
  name: z.string().trim().max(128, "That name is too long.").optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  requireCustomFlowAllowed(getEnv());
  const submission = await parseForm(request, SignUpForm);
  if (!submission.ok) return submission.reply();
  const { email, name, password } = submission.data;
  await limitSignUp({ context });
  return submission.attempt(async () => {
    const result = await getCognitoServices().account.signUp({ email, password, name: name || undefined });
    if (result.confirmed) throw redirect("/login?notice=confirmed");
    throw redirect(`/confirm?${new URLSearchParams({ username: email, notice: "code-sent" })}`);
  });
}

export default function SignUp() {
  const { passwordless } = useLoaderData<typeof loader>();
  const reply = useFormReply();
  return (
    <AuthCard
      title="Create an account"
      links={
        <>
          {passwordless ? (
            <>
              <Link to="/signup/email">Sign up without a password</Link> ·{" "}
            </>
          ) : null}
          Already have an account? <Link to="/login">Sign in</Link>
        </>
      }
    >
      <FormError message={reply.summary} />
      <Form method="post" noValidate>
        <EmailField name="email" autoComplete="email" reply={reply} />
        <Field name="name" label="Name (optional)" type="text" autoComplete="name" maxLength={128} reply={reply} />
        <NewPasswordFields reply={reply} label="Password" />
        <SubmitButton pendingLabel="Creating account…">Create account</SubmitButton>
      </Form>
    </AuthCard>
  );
}
