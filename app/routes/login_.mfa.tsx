import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { challengeExpired, requireChallenge } from "~/auth/challenge.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { completeCustomSignIn } from "~/auth/sign-in.server";
import { ChallengeExpiredError, CognitoAuthError } from "~/cognito/errors.server";
import { CodeField } from "~/components/code-field";
import { FormError } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { codeField, parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitCredentialCheck } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Enter your code · remix-cognito" }];

const CHALLENGE = "SOFTWARE_TOKEN_MFA";

export async function loader({ request }: LoaderFunctionArgs) {
  const pending = requireChallenge(request, CHALLENGE);
  return { login: pending.login };
}

const MfaForm = z.object({ code: codeField });

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const pending = requireChallenge(request, CHALLENGE);
  const parsed = await parseForm(request, MfaForm);
  if (!parsed.ok) return data({ error: parsed.formError ?? null, fieldErrors: parsed.fieldErrors }, { status: 400 });
  try {
    const tokens = await limitCredentialCheck({ context }, "mfa", pending.username, () =>
      getCognitoServices().account.respondToChallenge(pending, { SOFTWARE_TOKEN_MFA_CODE: parsed.data.code }),
    );
    return await completeCustomSignIn(tokens, request, pending.redirectTo, "mfa");
  } catch (error) {
    if (error instanceof ChallengeExpiredError) {
      throw challengeExpired(request);
    }
    if (error instanceof CognitoAuthError) {
      return data({ error: null, fieldErrors: { code: error.userMessage } }, { status: error.status });
    }
    throw error;
  }
}

export default function Mfa() {
  const { login } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  return (
    <main>
      <div className="card auth-card">
        <h1>Two-step verification</h1>
        <p>
          Enter the 6-digit code from your authenticator app for <strong>{login}</strong>.
        </p>
        <FormError message={actionData?.error ?? (fieldErrors.code ? "Please check the code." : null)} />
        <Form method="post" noValidate>
          <CodeField error={fieldErrors.code} autoFocus />
          <SubmitButton pendingLabel="Verifying…">Verify and sign in</SubmitButton>
        </Form>
      </div>
    </main>
  );
}
