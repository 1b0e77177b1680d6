import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  describeFlowChoice,
  getAuthSession,
  getCognitoServices,
  hostedErrorMessage,
  safeRedirect,
  signInProviders,
  signInStep,
} from "~/auth/auth.server";
import { AuthCard } from "~/components/auth-card";
import { Field } from "~/components/field";
import { FormError, FormSuccess } from "~/components/form-error";
import { PasskeySignIn } from "~/components/passkey-sign-in";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
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

const HOSTED_ERRORS = new Set([
  "state",
  "denied",
  "code",
  "token",
  "ended",
  "unavailable",
  "account-exists",
  "provider",
  "link",
]);

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
  // Signing in again must prove something: through the Hosted UI that means `prompt=login`
  // (its own cookie would otherwise sign the browser in); where the form may be used, the form.
  const reauthenticate = reauth || errorCode === "ended";
  const wantsForm = (url.searchParams.get("flow") === "custom" || reauth) && choice.customAllowed;

  // The Hosted UI is the default when chosen — unless we are showing an error
  // from it (going straight back would loop) or the form was asked for.
  if (choice.flow === "hosted" && !wantsForm && !error) {
    throw redirect(`/auth/hosted?${hostedParams(redirectTo, reauthenticate)}`);
  }
  return data(
    {
      redirectTo,
      error,
      showForm: choice.customAllowed && (choice.flow === "custom" || wantsForm || Boolean(error)),
      hostedAvailable: choice.hostedAvailable,
      // "Continue with Google"…: a Hosted UI sign-in straight to each provider.
      providers: signInProviders().map((provider) => ({
        provider,
        href: `/auth/hosted?${hostedParams(redirectTo, reauthenticate, provider)}`,
      })),
      hostedHref: `/auth/hosted?${hostedParams(redirectTo, reauthenticate)}`,
      passwordless: env.userAuth,
      // The same words as the start-up log line.
      mode: env.isProduction ? null : `Sign-in flow: ${choice.flow} (${choice.reason})`,
      notice: reauth
        ? "For your security, sign in again to continue."
        : (NOTICES[url.searchParams.get("notice") ?? ""] ?? null),
    },
    { status: error ? (errorCode === "unavailable" ? 503 : 400) : 200 },
  );
}

/** A Hosted UI sign-in's query: to `provider` if given, asking for a real sign-in (`prompt=login`) if need be. */
function hostedParams(redirectTo: string, reauthenticate: boolean, provider?: string): URLSearchParams {
  return new URLSearchParams({
    ...(provider ? { provider } : {}),
    ...(reauthenticate ? { prompt: "login" } : {}),
    redirectTo,
  });
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
  if (!describeFlowChoice(getEnv()).customAllowed) {
    throw data({ message: "This app signs in through the Cognito Hosted UI only." }, { status: 403 });
  }
  const submission = await parseForm(request, LoginForm);
  if (!submission.ok) return submission.reply();
  const { username, password, intent, redirectTo } = submission.data;
  const { passwordless, signInApi } = getCognitoServices();
  if (intent === "email-code" && !passwordless) {
    return submission.reply({ formError: "Sign-in codes are not available here." });
  }
  const step = { login: username, redirectTo: safeRedirect(redirectTo) };
  // The username goes back with a failure (submission.values); the password never does.
  return submission.attempt(() =>
    signInStep(request, step, async () => {
      if (intent === "email-code") {
        // Asking for a code sends an email: limited like every code e-mail. Every name gets the
        // EMAIL_OTP challenge (a decoy for an account that gets no code, as for an unknown one),
        // which continues on /login/code.
        await limitCodeSend({ context });
        return passwordless!.requestEmailCode(username);
      }
      // With USER_AUTH the password goes with PREFERRED_CHALLENGE=PASSWORD: still one step.
      return limitCredentialCheck({ context }, "login", username, () =>
        passwordless
          ? passwordless.signIn(username, "PASSWORD", password)
          : signInApi.signInWithPassword(username, password ?? ""),
      );
    }),
  );
}

export default function Login() {
  const { redirectTo, error, showForm, hostedAvailable, hostedHref, providers, passwordless, mode, notice } =
    useLoaderData<typeof loader>();
  const reply = useFormReply();
  const message = reply.summary ?? error;

  return (
    <AuthCard title="Sign in">
      {mode ? <p className="muted mode">{mode}</p> : null}
      <FormSuccess message={message ? null : notice} />
      <FormError message={message} />
      {providers.length > 0 ? (
        <ul className="provider-buttons" aria-label="Sign in with another account">
          {providers.map(({ provider, href }) => (
            <li key={provider}>
              <a className="button button-secondary" href={href} data-testid={`continue-with-${provider}`}>
                {`Continue with ${provider}`}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
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
            reply={reply}
          />
          <Field
            name="password"
            label="Password"
            type="password"
            autoComplete="current-password"
            maxLength={256}
            reply={reply}
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
    </AuthCard>
  );
}
