import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getCognitoServices, requireCustomFlowAllowed } from "~/auth/auth.server";
import { AuthCard } from "~/components/auth-card";
import { CodeField } from "~/components/code-field";
import { EmailField } from "~/components/email-field";
import { FormError, FormSuccess } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { codeField, emailField } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
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
  const submission = await parseForm(request, ConfirmForm);
  if (!submission.ok) return submission.reply();
  const form = submission.data;
  if (form.intent === "resend") await limitCodeSend({ context });
  const { account } = getCognitoServices();
  return submission.attempt(async () => {
    if (form.intent === "resend") {
      // The same words for every address: where the code went would tell a waiting account
      // from a confirmed or unknown one.
      await account.resendConfirmationCode(form.username);
      return submission.reply({
        notice: "We sent a new code to that address, if it has an account waiting for confirmation.",
      });
    }
    const { username, code } = form;
    await limitCredentialCheck({ context }, "confirm", username, () => account.confirmSignUp(username, code));
    throw redirect("/login?notice=confirmed");
  });
}

export default function Confirm() {
  const { username, notice } = useLoaderData<typeof loader>();
  const reply = useFormReply();
  return (
    <AuthCard title="Confirm your account" links={<Link to="/login">Back to sign in</Link>}>
      <FormSuccess message={reply.notice ?? (reply.submitted ? null : notice)} />
      <FormError message={reply.summary} />
      <p>Enter the 6-digit code we emailed you.</p>
      <Form method="post" noValidate>
        <EmailField name="username" autoComplete="username" defaultValue={username} reply={reply} />
        <CodeField label="Confirmation code" reply={reply} />
        <div className="actions">
          <SubmitButton name="intent" value="confirm" pendingLabel="Confirming…">
            Confirm account
          </SubmitButton>
          <SubmitButton name="intent" value="resend" pendingLabel="Sending…" className="button button-secondary">
            Send a new code
          </SubmitButton>
        </div>
      </Form>
    </AuthCard>
  );
}
