import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getAuthSession } from "~/auth/auth.server";
import { redirectToChallenge } from "~/auth/challenge.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { describeFlowChoice } from "~/auth/flow.server";
import { logSignIn, usernameHash } from "~/auth/log.server";
import { safeRedirect } from "~/auth/redirect.server";
import { completeCustomSignIn, customFlowReason } from "~/auth/sign-in.server";
import { ChallengeRequiredError, CognitoAuthError, hostedErrorMessage } from "~/cognito/errors.server";
import { Field } from "~/components/field";
import { FormError, FormSuccess } from "~/components/form-error";
import { PasskeySignIn } from "~/components/passkey-sign-in";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { getHealth } from "~/http/health.server";
import { limitCodeSend, limitCredentialCheck } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Sign in · remix-cognito" }];

/** Success banners other flows send people here with (`?notice=…`). */
const NOTICES: Record<string, string> = {
  confirmed: "Your account is confirmed. You can sign in now.",
  "password-reset":
    "Your password has been reset. Sign in with your new password. Any sessions on other devices were signed out.",
  "challenge-expired": "That sign-in step expired. Please sign in again.",
  "signed-out-everywhere":
    "You are signed out on every device, this one included (Cognito ends them all). Sign in again to continue.",
};

const HOSTED_ERRORS = new Set(["state", "denied", "code", "token", "unavailable"]);

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"));
  // `reauth=1` (step-up, app/auth/step-up.server.ts): signed in, but asked to prove it again.
  const reauth = url.searchParams.get("reauth") === "1";
  if (!reauth && (await getAuthSession(request))) throw redirect(redirectTo);

  const env = getEnv();
  const choice = describeFlowChoice(env);
  // Cognito unreachable: say so up front (cached probe; see health.server.ts).
  const reachable = (await getHealth()).cognito.reachable;
  const errorCode = reachable ? url.searchParams.get("error") : "unavailable";
  const error = errorCode && HOSTED_ERRORS.has(errorCode) ? loginErrorMessage(errorCode) : null;
  // Step-up always uses the form: the Hosted UI could sign in again from its own cookie, proving nothing.
  const wantsForm = (url.searchParams.get("flow") === "custom" || reauth) && choice.customAllowed;

  // The Hosted UI is the default when chosen — unless we are showing an error
  // from it (going straight back would loop) or the form was asked for.
  if (choice.flow === "hosted" && !wantsForm && !error) {
    throw redirect(`/auth/hosted?${new URLSearchParams({ redirectTo })}`);
  }
  return data(
    {
      redirectTo,
      error,
      showForm: choice.customAllowed && (choice.flow === "custom" || wantsForm || Boolean(error)),
      hostedAvailable: choice.hostedAvailable,
      passwordless: env.userAuth,
      mode: env.isProduction ? null : `AUTH_FLOW=${env.authFlow}: ${choice.reason}`,
      notice: reauth
        ? "For your security, sign in again to continue."
        : (NOTICES[url.searchParams.get("notice") ?? ""] ?? null),
    },
    { status: error ? (errorCode === "unavailable" ? 503 : 400) : 200 },
  );
}

function loginErrorMessage(code: string) {
  return code === "unavailable"
    ? "The authentication service is unavailable right now. Please try again in a moment."
    : hostedErrorMessage(code);
}

const LoginForm = z
  .object({
    username: z
      .string({ required_error: "Enter your email address." })
      .trim()
      .min(1, "Enter your email address.")
      .max(128, "That is too long for a username."),
    password: z.string().max(256, "That is too long for a password.").optional(),
    // Which button was pressed: the default (Enter in a field) is the password.
    intent: z.enum(["password", "email-code"]).default("password"),
    redirectTo: z.string().max(2048).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.intent === "password" && !value.password) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["password"], message: "Enter your password." });
    }
  });

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const env = getEnv();
  const choice = describeFlowChoice(env);
  if (!choice.customAllowed) {
    throw data({ message: "This app signs in through the Cognito Hosted UI only." }, { status: 403 });
  }
  const parsed = await parseForm(request, LoginForm);
  if (!parsed.ok) {
    return data({ error: parsed.formError ?? null, fieldErrors: parsed.fieldErrors, username: "" }, { status: 400 });
  }
  const { username, password, intent, redirectTo } = parsed.data;
  const { passwordless, signInApi } = getCognitoServices();
  if (intent === "email-code" && !passwordless) {
    return data({ error: "Sign-in codes are not available here.", fieldErrors: {}, username }, { status: 400 });
  }
  const reason = customFlowReason();
  const next = { login: username, redirectTo: safeRedirect(redirectTo) };
  try {
    let tokens;
    if (intent === "email-code") {
      // Asking for a code sends an email: limited like every code e-mail.
      await limitCodeSend({ context });
      tokens = await passwordless!.signIn(username, "EMAIL_OTP");
    } else {
      // With USER_AUTH the password goes with PREFERRED_CHALLENGE=PASSWORD: still one step.
      tokens = await limitCredentialCheck({ context }, "login", username, () =>
        passwordless
          ? passwordless.signIn(username, "PASSWORD", password)
          : signInApi.signInWithPassword(username, password ?? ""),
      );
    }
    return await completeCustomSignIn(tokens, request, next.redirectTo, intent === "email-code" ? "email-code" : "");
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof ChallengeRequiredError) {
      const step = redirectToChallenge(error, next, request);
      if (step) {
        logSignIn({ flow: "custom", reason, outcome: `challenge:${error.challengeName}`, who: usernameHash(username) });
        throw step;
      }
    }
    if (error instanceof CognitoAuthError) {
      logSignIn({ flow: "custom", reason, outcome: `failure:${error.name}`, who: usernameHash(username) });
      // The password is never sent back; the username is, so it need not be retyped.
      return data({ error: error.userMessage, fieldErrors: {}, username }, { status: error.status });
    }
    throw error;
  }
}

export default function Login() {
  const { redirectTo, error, showForm, hostedAvailable, passwordless, mode, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const message = actionData?.error ?? error;
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  const hostedHref = `/auth/hosted?${new URLSearchParams({ redirectTo })}`;

  return (
    <main>
      <div className="card auth-card">
        <h1>Sign in</h1>
        {mode ? <p className="muted mode">{mode}</p> : null}
        <FormSuccess message={message ? null : notice} />
        <FormError message={message} />
        {hostedAvailable ? (
          <p>
            <a className="button" href={hostedHref}>
              Continue with Cognito Hosted UI
            </a>
          </p>
        ) : null}
        {showForm ? (
          <Form method="post" noValidate id="login-form">
            <input type="hidden" name="redirectTo" value={redirectTo} />
            <Field
              name="username"
              label="Email"
              type="email"
              // "webauthn": browsers that keep passkeys may offer them from this field.
              autoComplete={passwordless ? "username webauthn" : "username"}
              required
              maxLength={128}
              defaultValue={actionData?.username ?? ""}
              error={fieldErrors.username}
            />
            <Field
              name="password"
              label="Password"
              type="password"
              autoComplete="current-password"
              maxLength={256}
              error={fieldErrors.password}
            />
            {/* First submit button: Enter in a field signs in with the password. */}
            <SubmitButton name="intent" value="password" pendingLabel="Signing in…">
              Sign in
            </SubmitButton>
            {passwordless ? (
              <div className="other-methods">
                <p className="muted other-methods-lead">Or, without your password:</p>
                <SubmitButton
                  name="intent"
                  value="email-code"
                  className="button button-secondary"
                  pendingLabel="Sending…"
                >
                  Email me a code
                </SubmitButton>
                <PasskeySignIn formId="login-form" redirectTo={redirectTo} />
              </div>
            ) : null}
            <p className="auth-links">
              <Link to="/forgot-password">Forgot your password?</Link> · <Link to="/signup">Create an account</Link>
            </p>
          </Form>
        ) : hostedAvailable ? null : (
          <p>
            <Link to="/login">Try again</Link>
          </p>
        )}
      </div>
    </main>
  );
}
