import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  type CurrentSession,
  getCognitoServices,
  reloadAuthSession,
  requireUser,
  type StepUpPrompt,
  signsInWith,
  stepUpPrompt,
  stepUpReply,
  verifyStepUp,
} from "~/auth/auth.server";
import { AccountForm } from "~/components/account-form";
import { CodeField } from "~/components/code-field";
import { EmailField } from "~/components/email-field";
import { Field } from "~/components/field";
import { FormError } from "~/components/form-error";
import { StepUpFields } from "~/components/step-up-fields";
import { SubmitButton } from "~/components/submit-button";
import { codeField, emailField, stepUpFormFields } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";
import { orErrorPage } from "~/http/error-page.server";
import { limitCodeSend, limitCredentialCheck } from "~/http/rate-limit.server";
import type { AccountPage } from "./account";

export const handle: AccountPage = { heading: "Your account" };
export { meta } from "./account";

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  const profile = await orErrorPage(
    getCognitoServices().account.getProfile(session.tokens.accessToken),
    session.headers,
  );
  const notice = new URL(request.url).searchParams.get("notice") ?? "";
  return data(
    {
      profile: { email: profile.email ?? "", emailVerified: profile.emailVerified, name: profile.name ?? "" },
      // A federated account's address comes from its provider at every sign-in: changed there, not here.
      provider: signsInWith(session.user) ?? null,
      mfaEnabled: profile.mfaEnabled,
      // Changing the email address is a sensitive change: a recent sign-in or the password again.
      stepUp: stepUpPrompt(session, { mfaEnabled: profile.mfaEnabled }),
      // Unverified: the code form stays until it is used. Pools that keep the
      // old address until the new one is verified report it as verified, so
      // the "code sent" step shows the form too.
      verifyingEmail: !profile.emailVerified || notice === "email-code-sent",
    },
    { headers: session.headers },
  );
}

const nameField = z
  .string({ required_error: "Enter your name." })
  .trim()
  .min(1, "Enter your name.")
  .max(128, "That name is too long (128 characters at most).")
  .regex(/^[^\p{Cc}]*$/u, "Use letters, numbers and punctuation only.");

const ProfileForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("update-name"), name: nameField }),
  z.object({ intent: z.literal("change-email"), email: emailField, ...stepUpFormFields }),
  z.object({ intent: z.literal("verify-email"), code: codeField }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  const submission = await parseForm(request, ProfileForm, { headers: session.headers });
  if (!submission.ok) return submission.reply();

  const form = submission.data;
  const account = getCognitoServices().account;
  const accessToken = session.tokens.accessToken;
  return submission.attempt(async () => {
    switch (form.intent) {
      case "update-name": {
        await account.updateAttributes(accessToken, { name: form.name });
        throw redirect("/account?notice=name-updated", { headers: await withFreshClaims(session, request) });
      }
      case "change-email": {
        const provider = signsInWith(session.user);
        if (provider) {
          return submission.reply({ formError: `Your email address comes from ${provider}: change it there.` });
        }
        // Whoever controls the address controls the account (password resets
        // go there): only with a recent sign-in or the password again.
        const check = await verifyStepUp(session, form, { context });
        if (!check.ok) return submission.reply(stepUpReply(check));
        const current = await account.getProfile(accessToken);
        // The same, still unverified address may be sent again: that is how
        // to get a new code.
        if (current.emailVerified && current.email?.toLowerCase() === form.email.toLowerCase()) {
          return submission.reply({ fieldErrors: { email: "That is already your email address." } });
        }
        await limitCodeSend({ context });
        await account.updateAttributes(accessToken, { email: form.email });
        throw redirect("/account?notice=email-code-sent", { headers: await withFreshClaims(session, request) });
      }
      case "verify-email": {
        // Codes are short: guessing is bounded per user and address.
        await limitCredentialCheck({ context }, "verify-email", session.user.sub, () =>
          account.verifyAttribute(accessToken, "email", form.code),
        );
        throw redirect("/account?notice=email-verified", { headers: await withFreshClaims(session, request) });
      }
    }
  });
}

/**
 * After a change the ID token's claims (name, email) are stale: fetch new
 * tokens so the header and dashboard show the change at once.
 */
async function withFreshClaims(session: CurrentSession, request: Request): Promise<Headers> {
  return (await reloadAuthSession(session, request)).headers;
}

export default function Account() {
  const { profile, mfaEnabled, verifyingEmail, stepUp, provider } = useLoaderData<typeof loader>();
  const reply = useFormReply<{ stepUp: StepUpPrompt }>();
  const emailReply = reply.forIntent("change-email");
  // A wrong code keeps the code form, whatever the pool reports meanwhile.
  const showVerify = verifyingEmail || reply.values.intent === "verify-email";

  return (
    <>
      <FormError message={reply.summary} />
      <dl className="facts">
        <dt>Email</dt>
        <dd>
          <span data-testid="profile-email">{profile.email}</span>{" "}
          <span className="muted" data-testid="profile-email-status">
            {profile.emailVerified ? "(verified)" : "(not verified)"}
          </span>
        </dd>
        <dt>Name</dt>
        <dd data-testid="profile-name">{profile.name || <span className="muted">not set</span>}</dd>
        {provider ? (
          <>
            <dt>Signs in with</dt>
            <dd data-testid="profile-provider">
              {provider} · <Link to="/account/sign-in-methods">How you sign in</Link>
            </dd>
          </>
        ) : (
          <>
            <dt>Two-step</dt>
            <dd>
              {mfaEnabled ? "On" : "Off"} · <Link to="/account/mfa">Manage</Link>
            </dd>
          </>
        )}
      </dl>

      {showVerify ? (
        <section aria-labelledby="verify-email-heading">
          <h2 id="verify-email-heading">Verify your email address</h2>
          <p>Enter the 6-digit code we sent to {profile.email}.</p>
          <AccountForm noValidate>
            <CodeField label="Verification code" reply={reply.forIntent("verify-email")} />
            <SubmitButton name="intent" value="verify-email" pendingLabel="Verifying…">
              Verify email
            </SubmitButton>
          </AccountForm>
        </section>
      ) : null}

      <section aria-labelledby="name-heading">
        <h2 id="name-heading">Change your name</h2>
        <AccountForm noValidate key={`name:${profile.name}`}>
          <Field
            name="name"
            label="Name"
            type="text"
            autoComplete="name"
            required
            maxLength={128}
            defaultValue={profile.name}
            reply={reply.forIntent("update-name")}
          />
          <SubmitButton name="intent" value="update-name" pendingLabel="Saving…">
            Save name
          </SubmitButton>
        </AccountForm>
      </section>

      {provider ? (
        <p className="muted" data-testid="provider-managed">
          Your email address, password and two-step verification are managed by {provider}: change them there, and the
          change reaches this account the next time you sign in.
        </p>
      ) : (
        <>
          <section aria-labelledby="email-heading">
            <h2 id="email-heading">Change email address</h2>
            <p className="muted">We will send a code to the new address; you sign in with it from now on.</p>
            <AccountForm noValidate key={`email:${profile.email}`}>
              <EmailField name="email" label="New email address" autoComplete="email" reply={emailReply} />
              <StepUpFields
                prompt={(reply.values.intent === "change-email" ? reply.extra?.stepUp : undefined) ?? stepUp}
                reply={emailReply}
              />
              <SubmitButton name="intent" value="change-email" pendingLabel="Sending code…">
                Change email
              </SubmitButton>
            </AccountForm>
          </section>

          <p>
            <Link to="/account/password">Change your password</Link>
          </p>
        </>
      )}
    </>
  );
}
