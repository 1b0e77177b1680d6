import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { z } from "zod";
import { endOtherSessions, getCognitoServices, requireUser, signsInWith } from "~/auth/auth.server";
import { PASSWORD_MAX_LENGTH } from "~/auth/password-policy";
import { AccountForm } from "~/components/account-form";
import { Field } from "~/components/field";
import { FormError } from "~/components/form-error";
import { NewPasswordFields } from "~/components/new-password-fields";
import { SubmitButton } from "~/components/submit-button";
import { passwordPair } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitCredentialCheck } from "~/http/rate-limit.server";
import type { AccountPage } from "./account";

export const handle: AccountPage = { heading: "Change password" };
export { meta } from "./account";

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  // Cognito keeps no password, codes or passkeys for an account that signs in through a provider.
  if (signsInWith(session.user)) throw redirect("/account/sign-in-methods", { headers: session.headers });
  return data({}, { headers: session.headers });
}

const PasswordForm = passwordPair({
  current: z
    .string({ required_error: "Enter your current password." })
    .min(1, "Enter your current password.")
    .max(PASSWORD_MAX_LENGTH, "That is too long for a password."),
}).refine((v) => v.password !== v.current, {
  path: ["password"],
  message: "Choose a new password that is different from your current one.",
});

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  if (signsInWith(session.user)) throw redirect("/account/sign-in-methods", { headers: session.headers });
  const submission = await parseForm(request, PasswordForm, { headers: session.headers });
  if (!submission.ok) return submission.reply();

  const { current, password } = submission.data;
  return submission.attempt(async () => {
    // Someone at an unattended, signed-in browser must not be able to guess
    // the current password at full speed.
    await limitCredentialCheck({ context }, "change-password", session.user.sub, () =>
      getCognitoServices().account.changePassword(session.tokens.accessToken, current, password),
    );
    // Cognito keeps existing tokens valid after a password change, so the app ends the user's
    // other sessions itself (and copies of this cookie: this session goes on under a new id).
    const headers = await endOtherSessions(session.stored, session.user.sub, request, session.headers);
    throw redirect("/account?notice=password-changed", { headers });
  });
}

export default function AccountPassword() {
  const reply = useFormReply();
  return (
    <>
      <FormError message={reply.summary} />
      <AccountForm noValidate>
        <Field
          name="current"
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={PASSWORD_MAX_LENGTH}
          reply={reply}
        />
        <NewPasswordFields reply={reply} />
        <SubmitButton pendingLabel="Changing…">Change password</SubmitButton>
      </AccountForm>
    </>
  );
}
