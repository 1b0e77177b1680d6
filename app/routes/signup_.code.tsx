import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { clearChallenge, getCognitoServices, requireChallenge, signInStep } from "~/auth/auth.server";
import { AuthCard } from "~/components/auth-card";
import { CodeField, ResendCodeForm } from "~/components/code-field";
import { FormError, FormSuccess } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { codeField } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
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

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const pending = requireChallenge(request, SIGN_UP_STEP);
  const { passwordless, account } = getCognitoServices();
  if (!passwordless) throw redirect("/signup");
  const submission = await parseForm(request, CodeForm);
  if (!submission.ok) return submission.reply();
  const form = submission.data;
  return submission.attempt(async () => {
    if (form.intent === "resend") {
      await limitCodeSend({ context });
      await account.resendConfirmationCode(pending.login);
      return submission.reply({ notice: "We sent a new code." });
    }
    const tokens = await limitCredentialCheck({ context }, "confirm", pending.login, () =>
      passwordless.confirmSignUpAndSignIn(pending.login, form.code, pending.challengeSession || undefined),
    );
    // Confirmed, but Cognito did not sign the new user in: sign in as usual.
    if (!tokens) throw redirect("/login?notice=confirmed", { headers: clearChallenge(request) });
    return signInStep(request, { ...pending, step: "sign-up" }, async () => tokens);
  });
}

export default function SignUpCode() {
  const { email, destination } = useLoaderData<typeof loader>();
  const reply = useFormReply();
  return (
    <AuthCard title="Confirm your email" links={<Link to="/signup/email">Start again</Link>}>
      <p>
        We sent a code for <strong>{email}</strong>
        {destination ? ` to ${destination}` : ""}. Enter it to finish creating your account; you will be signed in
        straight away.
      </p>
      <FormSuccess message={reply.notice} />
      <FormError message={reply.summary} />
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="confirm" />
        <CodeField reply={reply} autoFocus />
        <SubmitButton pendingLabel="Confirming…">Confirm and sign in</SubmitButton>
      </Form>
      <ResendCodeForm />
    </AuthCard>
  );
}
