import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { requireCustomFlowAllowed } from "~/auth/flow.server";
import { CognitoAuthError, InvalidCredentialsError } from "~/cognito/errors.server";
import { CodeField } from "~/components/code-field";
import { Field } from "~/components/field";
import { FormError, FormSuccess } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { codeField, emailField, parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitCodeSend, limitCredentialCheck } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Confirm your account · remix-cognito" }];

/**
 * Banners other pages send people here with (`?notice=…`). The text is ours:
 * a link can pick one of these, never put words of its own on the page.
 */
const NOTICES: Record<string, string> = {
  "code-sent": "We sent a confirmation code to your email address. It can take a minute to arrive.",
};

export async function loader({ request }: LoaderFunctionArgs) {
  requireCustomFlowAllowed(getEnv());
  const url = new URL(request.url);
  // Only ever an input's initial value (React escapes it), never page text.
  const username = (url.searchParams.get("username") ?? "").slice(0, 128);
  return { username, notice: NOTICES[url.searchParams.get("notice") ?? ""] ?? null };
}

const ConfirmForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("confirm"), username: emailField, code: codeField }),
  z.object({ intent: z.literal("resend"), username: emailField, code: z.string().optional() }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  requireCustomFlowAllowed(getEnv());
  const parsed = await parseForm(request, ConfirmForm);
  if (!parsed.ok) {
    return data({ error: parsed.formError ?? null, notice: null, fieldErrors: parsed.fieldErrors }, { status: 400 });
  }
  const { account } = getCognitoServices();
  if (parsed.data.intent === "resend") await limitCodeSend({ context });
  try {
    if (parsed.data.intent === "resend") {
      const delivery = await account.resendConfirmationCode(parsed.data.username);
      const where = delivery.destination ? ` to ${delivery.destination}` : "";
      return data({ error: null, notice: `We sent a new code${where}.`, fieldErrors: {} });
    }
    const { username, code } = parsed.data;
    await limitCredentialCheck({ context }, "confirm", username, () => account.confirmSignUp(username, code));
  } catch (error) {
    if (error instanceof InvalidCredentialsError) {
      // Already confirmed, or no such user: don't say which.
      return data(
        { error: "That code is not correct for this account.", notice: null, fieldErrors: {} },
        { status: 400 },
      );
    }
    if (error instanceof CognitoAuthError) {
      const field = error.name === "CodeMismatchError" || error.name === "ExpiredCodeError" ? "code" : null;
      return data(
        {
          error: field ? null : error.userMessage,
          notice: null,
          fieldErrors: field ? { code: error.userMessage } : {},
        },
        { status: error.status },
      );
    }
    throw error;
  }
  throw redirect("/login?notice=confirmed");
}

export default function Confirm() {
  const { username, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  return (
    <main>
      <div className="card auth-card">
        <h1>Confirm your account</h1>
        <FormSuccess message={actionData?.notice ?? (actionData ? null : notice)} />
        <FormError message={actionData?.error ?? (fieldErrors.code ? "Please check the code." : null)} />
        <p>Enter the 6-digit code we emailed you.</p>
        <Form method="post" noValidate>
          <Field
            name="username"
            label="Email"
            type="email"
            autoComplete="username"
            required
            maxLength={128}
            defaultValue={username}
            error={fieldErrors.username}
          />
          <CodeField error={fieldErrors.code} label="Confirmation code" />
          <div className="actions">
            <SubmitButton name="intent" value="confirm" pendingLabel="Confirming…">
              Confirm account
            </SubmitButton>
            <SubmitButton name="intent" value="resend" pendingLabel="Sending…" className="button button-secondary">
              Send a new code
            </SubmitButton>
          </div>
        </Form>
        <p className="auth-links">
          <Link to="/login">Back to sign in</Link>
        </p>
      </div>
    </main>
  );
}
