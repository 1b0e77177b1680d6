import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { clearChallenge, requireChallenge } from "~/auth/challenge.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { completeCustomSignIn } from "~/auth/sign-in.server";
import { CognitoAuthError } from "~/cognito/errors.server";
import { CodeField } from "~/components/code-field";
import { FormError, FormSuccess } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { codeField, parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitCodeSend, limitCredentialCheck } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Confirm your email · remix-cognito" }];

/** The step /signup/email saved (see there). */
const SIGN_UP_STEP = "SIGN_UP";

export async function loader({ request }: LoaderFunctionArgs) {
  const pending = requireChallenge(request, SIGN_UP_STEP);
  return { email: pending.login, destination: pending.destination ?? null };
}

const CodeForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("confirm"), code: codeField }),
  z.object({ intent: z.literal("resend") }),
]);

type Reply = { error: string | null; fieldErrors: Partial<Record<string, string>>; notice?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const pending = requireChallenge(request, SIGN_UP_STEP);
  const { passwordless, account } = getCognitoServices();
  if (!passwordless) throw redirect("/signup");
  const parsed = await parseForm(request, CodeForm);
  if (!parsed.ok) {
    return data<Reply>({ error: parsed.formError ?? null, fieldErrors: parsed.fieldErrors }, { status: 400 });
  }
  try {
    if (parsed.data.intent === "resend") {
      await limitCodeSend({ context });
      await account.resendConfirmationCode(pending.login);
      return data<Reply>({ error: null, fieldErrors: {}, notice: "We sent a new code." });
    }
    const { code } = parsed.data;
    const tokens = await limitCredentialCheck({ context }, "confirm", pending.login, () =>
      passwordless.confirmSignUpAndSignIn(pending.login, code, pending.challengeSession || undefined),
    );
    // Confirmed, but Cognito did not sign the new user in: sign in as usual.
    if (!tokens) throw redirect("/login?notice=confirmed", { headers: clearChallenge(request) });
    return await completeCustomSignIn(tokens, request, pending.redirectTo, "sign-up");
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof CognitoAuthError) {
      return data<Reply>({ error: null, fieldErrors: { code: error.userMessage } }, { status: error.status });
    }
    throw error;
  }
}

export default function SignUpCode() {
  const { email, destination } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  return (
    <main>
      <div className="card auth-card">
        <h1>Confirm your email</h1>
        <p>
          We sent a code for <strong>{email}</strong>
          {destination ? ` to ${destination}` : ""}. Enter it to finish creating your account; you will be signed in
          straight away.
        </p>
        <FormSuccess message={actionData?.notice ?? null} />
        <FormError message={actionData?.error ?? (fieldErrors.code ? "Please check the code." : null)} />
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="confirm" />
          <CodeField error={fieldErrors.code} autoFocus />
          <SubmitButton pendingLabel="Confirming…">Confirm and sign in</SubmitButton>
        </Form>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="resend" />
          <SubmitButton className="button button-secondary" pendingLabel="Sending…">
            Send a new code
          </SubmitButton>
        </Form>
        <p className="auth-links">
          <Link to="/signup/email">Start again</Link>
        </p>
      </div>
    </main>
  );
}
