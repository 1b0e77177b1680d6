import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  type CurrentSession,
  reloadAuthSession,
  requireUser,
  type StepUpPrompt,
  stepUpFormFields,
  stepUpPrompt,
  verifyStepUp,
} from "~/auth/auth.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { InvalidTokenError } from "~/cognito/auth-session.server";
import {
  CodeMismatchError,
  CognitoAuthError,
  ExpiredCodeError,
  InvalidCredentialsError,
  RefreshFailedError,
  UsernameExistsError,
} from "~/cognito/errors.server";
import { AccountNav } from "~/components/account-nav";
import { CodeField } from "~/components/code-field";
import { Field } from "~/components/field";
import { FormError, FormSuccess } from "~/components/form-error";
import { StepUpFields } from "~/components/step-up-fields";
import { SubmitButton } from "~/components/submit-button";
import { codeField, emailField, parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitCodeSend, limitCredentialCheck } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Your account · remix-cognito" }];

/** Banners this page and its siblings send people back here with (`?notice=…`). */
const NOTICES: Record<string, string> = {
  "name-updated": "Your name has been updated.",
  "email-code-sent": "We sent a 6-digit code to your new email address. Enter it below to verify the address.",
  "email-verified": "Your email address is verified.",
  "password-changed": "Your password has been changed. Your other sessions were signed out.",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  let profile;
  try {
    profile = await getCognitoServices().account.getProfile(session.tokens.accessToken);
  } catch (error) {
    if (!(error instanceof CognitoAuthError)) throw error;
    const { message, status } = toMessage(error);
    throw data({ message }, { status, headers: session.headers });
  }
  const notice = new URL(request.url).searchParams.get("notice") ?? "";
  return data(
    {
      profile: { email: profile.email ?? "", emailVerified: profile.emailVerified, name: profile.name ?? "" },
      mfaEnabled: profile.mfaEnabled,
      // Changing the email address is a sensitive change: a recent sign-in or the password again.
      stepUp: stepUpPrompt(session, { mfaEnabled: profile.mfaEnabled }),
      // Unverified: the code form stays until it is used. Pools that keep the
      // old address until the new one is verified report it as verified, so
      // the "code sent" step shows the form too.
      verifyingEmail: !profile.emailVerified || notice === "email-code-sent",
      notice: NOTICES[notice] ?? null,
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

const AccountForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("update-name"), name: nameField }),
  z.object({ intent: z.literal("change-email"), email: emailField, ...stepUpFormFields }),
  z.object({ intent: z.literal("verify-email"), code: codeField }),
]);

interface ActionData {
  intent: string | null;
  error: string | null;
  fieldErrors: Partial<Record<string, string>>;
  /** What was typed (never a secret), so it need not be typed again. */
  values: { name?: string; email?: string };
  /** The step-up fields the form must show now (after a step-up check failed). */
  stepUp?: StepUpPrompt;
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  const reply = (body: Partial<ActionData>, status: number) =>
    data<ActionData>(
      { intent: null, error: null, fieldErrors: {}, values: {}, ...body },
      { status, headers: session.headers },
    );

  const parsed = await parseForm(request, AccountForm);
  if (!parsed.ok) {
    const { intent, ...fieldErrors } = parsed.fieldErrors;
    // Only a form parseForm could read is read again, for what was typed.
    const { intent: typedIntent, ...values } = parsed.formError ? {} : await typedValues(request);
    const error = parsed.formError ?? (intent ? "Please use the buttons on this page." : null);
    return reply({ intent: typedIntent ?? null, error, fieldErrors, values }, 400);
  }

  const form = parsed.data;
  const account = getCognitoServices().account;
  const accessToken = session.tokens.accessToken;
  try {
    switch (form.intent) {
      case "update-name": {
        await account.updateAttributes(accessToken, { name: form.name });
        throw redirect("/account?notice=name-updated", { headers: await withFreshClaims(session, request) });
      }
      case "change-email": {
        // Whoever controls the address controls the account (password resets
        // go there): only with a recent sign-in or the password again.
        const check = await verifyStepUp(session, form, { context });
        if (!check.ok) {
          const { fieldErrors, formError, prompt, status } = check;
          const body = { intent: form.intent, error: formError ?? null, fieldErrors, stepUp: prompt };
          return reply({ ...body, values: { email: form.email } }, status);
        }
        const current = await account.getProfile(accessToken);
        // The same, still unverified address may be sent again: that is how
        // to get a new code.
        if (current.emailVerified && current.email?.toLowerCase() === form.email.toLowerCase()) {
          const fieldErrors = { email: "That is already your email address." };
          return reply({ intent: form.intent, fieldErrors, values: { email: form.email } }, 400);
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
  } catch (error) {
    if (!(error instanceof CognitoAuthError)) throw error;
    const values = "email" in form ? { email: form.email } : "name" in form ? { name: form.name } : {};
    if (error instanceof CodeMismatchError || error instanceof ExpiredCodeError) {
      return reply({ intent: form.intent, fieldErrors: { code: error.userMessage } }, error.status);
    }
    if (error instanceof UsernameExistsError) {
      return reply(
        { intent: form.intent, fieldErrors: { email: "Another account already uses that email address." }, values },
        400,
      );
    }
    const { message, status } = toMessage(error);
    return reply({ intent: form.intent, error: message, values }, status);
  }
}

/**
 * After a change the ID token's claims (name, email) are stale: fetch new
 * tokens so the header and dashboard show the change at once. The change
 * itself has succeeded, so a failed refresh only leaves the old claims in
 * place until the next one.
 */
async function withFreshClaims(session: CurrentSession, request: Request): Promise<Headers> {
  try {
    return (await reloadAuthSession(session, request)).headers;
  } catch (error) {
    if (!(error instanceof CognitoAuthError) && !(error instanceof InvalidTokenError)) throw error;
    console.warn(`[account] could not refresh the session after a profile change (${error.name})`);
    return session.headers;
  }
}

async function typedValues(request: Request): Promise<{ intent?: string; name?: string; email?: string }> {
  try {
    const form = await request.clone().formData();
    const text = (key: string) => {
      const value = form.get(key);
      return typeof value === "string" ? value.slice(0, 256) : undefined;
    };
    return { intent: text("intent"), name: text("name"), email: text("email") };
  } catch {
    return {};
  }
}

function toMessage(error: CognitoAuthError): { message: string; status: number } {
  // On these calls NotAuthorized means the access token was revoked (e.g. a
  // global sign-out elsewhere), not a wrong password.
  if (error instanceof InvalidCredentialsError) {
    const ended = new RefreshFailedError();
    return { message: ended.userMessage, status: ended.status };
  }
  return { message: error.userMessage, status: error.status };
}

export default function Account() {
  const { profile, mfaEnabled, verifyingEmail, notice, stepUp } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorsFor = (intent: string): Partial<Record<string, string>> =>
    actionData?.intent === intent ? actionData.fieldErrors : {};
  const hasFieldErrors = actionData ? Object.keys(actionData.fieldErrors).length > 0 : false;
  const summary = actionData?.error ?? (hasFieldErrors ? "Please check the form below." : null);

  return (
    <main>
      <div className="card">
        <AccountNav />
        <h1>Your account</h1>
        <FormSuccess message={actionData ? null : notice} />
        <FormError message={summary} />
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
          <dt>Two-step</dt>
          <dd>
            {mfaEnabled ? "On" : "Off"} · <Link to="/account/mfa">Manage</Link>
          </dd>
        </dl>

        {verifyingEmail ? (
          <section aria-labelledby="verify-email-heading">
            <h2 id="verify-email-heading">Verify your email address</h2>
            <p>Enter the 6-digit code we sent to {profile.email}.</p>
            <Form method="post" noValidate>
              <CodeField label="Verification code" error={errorsFor("verify-email").code} />
              <SubmitButton name="intent" value="verify-email" pendingLabel="Verifying…">
                Verify email
              </SubmitButton>
            </Form>
          </section>
        ) : null}

        <section aria-labelledby="name-heading">
          <h2 id="name-heading">Change your name</h2>
          <Form method="post" noValidate key={`name:${profile.name}`}>
            <Field
              name="name"
              label="Name"
              type="text"
              autoComplete="name"
              required
              maxLength={128}
              defaultValue={actionData?.intent === "update-name" ? (actionData.values.name ?? "") : profile.name}
              error={errorsFor("update-name").name}
            />
            <SubmitButton name="intent" value="update-name" pendingLabel="Saving…">
              Save name
            </SubmitButton>
          </Form>
        </section>

        <section aria-labelledby="email-heading">
          <h2 id="email-heading">Change email address</h2>
          <p className="muted">We will send a code to the new address; you sign in with it from now on.</p>
          <Form method="post" noValidate key={`email:${profile.email}`}>
            <Field
              name="email"
              label="New email address"
              type="email"
              autoComplete="email"
              required
              maxLength={128}
              defaultValue={actionData?.intent === "change-email" ? (actionData.values.email ?? "") : ""}
              error={errorsFor("change-email").email}
            />
            <StepUpFields
              prompt={(actionData?.intent === "change-email" ? actionData.stepUp : undefined) ?? stepUp}
              errors={errorsFor("change-email")}
            />
            <SubmitButton name="intent" value="change-email" pendingLabel="Sending code…">
              Change email
            </SubmitButton>
          </Form>
        </section>

        <p>
          <Link to="/account/password">Change your password</Link>
        </p>
      </div>
    </main>
  );
}
