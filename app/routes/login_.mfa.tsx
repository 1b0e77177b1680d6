import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getCognitoServices, requireChallenge, signInStep } from "~/auth/auth.server";
import { AuthCard } from "~/components/auth-card";
import { CodeField } from "~/components/code-field";
import { FormError } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { codeField } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
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
  const submission = await parseForm(request, MfaForm);
  if (!submission.ok) return submission.reply();
  const { code } = submission.data;
  return submission.attempt(() =>
    signInStep(request, { ...pending, step: "mfa" }, () =>
      limitCredentialCheck({ context }, "mfa", pending.username, () =>
        getCognitoServices().account.respondToChallenge(pending, { SOFTWARE_TOKEN_MFA_CODE: code }),
      ),
    ),
  );
}

export default function Mfa() {
  const { login } = useLoaderData<typeof loader>();
  const reply = useFormReply();
  return (
    <AuthCard title="Two-step verification">
      <p>
        Enter the 6-digit code from your authenticator app for <strong>{login}</strong>.
      </p>
      <FormError message={reply.summary} />
      <Form method="post" noValidate>
        <CodeField reply={reply} autoFocus />
        <SubmitButton pendingLabel="Verifying…">Verify and sign in</SubmitButton>
      </Form>
    </AuthCard>
  );
}
