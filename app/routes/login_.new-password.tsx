import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { getCognitoServices, requireChallenge, signInStep } from "~/auth/auth.server";
import { AuthCard } from "~/components/auth-card";
import { FormError } from "~/components/form-error";
import { NewPasswordFields } from "~/components/new-password-fields";
import { SubmitButton } from "~/components/submit-button";
import { passwordPair } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password · remix-cognito" }];

const CHALLENGE = "NEW_PASSWORD_REQUIRED";

export async function loader({ request }: LoaderFunctionArgs) {
  const pending = requireChallenge(request, CHALLENGE);
  return { login: pending.login };
}

const NewPasswordForm = passwordPair();

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const pending = requireChallenge(request, CHALLENGE);
  const submission = await parseForm(request, NewPasswordForm);
  if (!submission.ok) return submission.reply();
  const { password } = submission.data;
  return submission.attempt(() =>
    signInStep(request, { ...pending, step: "new-password" }, () =>
      getCognitoServices().account.respondToChallenge(pending, { NEW_PASSWORD: password }),
    ),
  );
}

export default function NewPassword() {
  const { login } = useLoaderData<typeof loader>();
  const reply = useFormReply();
  return (
    <AuthCard title="Choose a new password">
      <p>
        You signed in as <strong>{login}</strong> with a temporary password. Choose your own password to continue.
      </p>
      <FormError message={reply.summary} />
      <Form method="post" noValidate>
        <NewPasswordFields reply={reply} />
        <SubmitButton pendingLabel="Saving…">Set password and sign in</SubmitButton>
      </Form>
    </AuthCard>
  );
}
