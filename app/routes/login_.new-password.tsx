import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { challengeExpired, redirectToChallenge, requireChallenge } from "~/auth/challenge.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { completeCustomSignIn } from "~/auth/sign-in.server";
import {
  ChallengeExpiredError,
  ChallengeRequiredError,
  CognitoAuthError,
  PasswordPolicyError,
} from "~/cognito/errors.server";
import { FormError } from "~/components/form-error";
import { NewPasswordFields } from "~/components/new-password-fields";
import { SubmitButton } from "~/components/submit-button";
import { newPasswordFields, parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password · remix-cognito" }];

const CHALLENGE = "NEW_PASSWORD_REQUIRED";

export async function loader({ request }: LoaderFunctionArgs) {
  const pending = requireChallenge(request, CHALLENGE);
  return { login: pending.login };
}

const NewPasswordForm = z.object(newPasswordFields).refine((v) => v.password === v.confirm, {
  path: ["confirm"],
  message: "The two passwords do not match.",
});

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const pending = requireChallenge(request, CHALLENGE);
  const parsed = await parseForm(request, NewPasswordForm);
  if (!parsed.ok) return data({ error: parsed.formError ?? null, fieldErrors: parsed.fieldErrors }, { status: 400 });
  try {
    const tokens = await getCognitoServices().account.respondToChallenge(pending, {
      NEW_PASSWORD: parsed.data.password,
    });
    return await completeCustomSignIn(tokens, request, pending.redirectTo, "new-password");
  } catch (error) {
    const next = error instanceof ChallengeRequiredError && redirectToChallenge(error, pending, request);
    if (next) throw next;
    if (error instanceof ChallengeExpiredError) {
      throw challengeExpired(request);
    }
    if (error instanceof PasswordPolicyError) {
      return data({ error: null, fieldErrors: { password: error.userMessage } }, { status: 400 });
    }
    if (error instanceof CognitoAuthError) {
      return data({ error: error.userMessage, fieldErrors: {} }, { status: error.status });
    }
    throw error;
  }
}

export default function NewPassword() {
  const { login } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  return (
    <main>
      <div className="card auth-card">
        <h1>Choose a new password</h1>
        <p>
          You signed in as <strong>{login}</strong> with a temporary password. Choose your own password to continue.
        </p>
        <FormError message={actionData?.error} />
        <Form method="post" noValidate>
          <NewPasswordFields errors={fieldErrors} />
          <SubmitButton pendingLabel="Saving…">Set password and sign in</SubmitButton>
        </Form>
      </div>
    </main>
  );
}
