import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { commitAuthSession, getAuthSession } from "~/auth/auth.server";
import { redirectToChallenge } from "~/auth/challenge.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { describeFlowChoice } from "~/auth/flow.server";
import { logSignIn, usernameHash } from "~/auth/log.server";
import { safeRedirect } from "~/auth/redirect.server";
import { customFlowReason } from "~/auth/sign-in.server";
import { ChallengeRequiredError, CognitoAuthError, hostedErrorMessage } from "~/cognito/errors.server";
import { Field } from "~/components/field";
import { FormError, FormSuccess } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { getEnv } from "~/env.server";
import { parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { getHealth } from "~/http/health.server";
import { limitCredentialCheck } from "~/http/rate-limit.server";

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
  if (await getAuthSession(request)) throw redirect(redirectTo);

  const env = getEnv();
  const choice = describeFlowChoice(env);
  // Cognito unreachable: say so up front (cached probe; see health.server.ts).
  const reachable = (await getHealth()).cognito.reachable;
  const errorCode = reachable ? url.searchParams.get("error") : "unavailable";
  const error = errorCode && HOSTED_ERRORS.has(errorCode) ? loginErrorMessage(errorCode) : null;
  const wantsForm = url.searchParams.get("flow") === "custom" && choice.customAllowed;

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
      mode: env.isProduction ? null : `AUTH_FLOW=${env.authFlow}: ${choice.reason}`,
      notice: NOTICES[url.searchParams.get("notice") ?? ""] ?? null,
    },
    { status: error ? (errorCode === "unavailable" ? 503 : 400) : 200 },
  );
}

function loginErrorMessage(code: string) {
  return code === "unavailable"
    ? "The authentication service is unavailable right now. Please try again in a moment."
    : hostedErrorMessage(code);
}

const LoginForm = z.object({
  username: z
    .string({ required_error: "Enter your email address." })
    .trim()
    .min(1, "Enter your email address.")
    .max(128, "That is too long for a username."),
  password: z
    .string({ required_error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(256, "That is too long for a password."),
  redirectTo: z.string().max(2048).optional(),
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
  const { username, redirectTo } = parsed.data;
  const reason = customFlowReason();
  try {
    const session = await limitCredentialCheck({ context }, "login", username, () =>
      getCognitoServices().authenticator.authenticate("cognito-password", request),
    );
    logSignIn({ flow: "custom", reason, outcome: "success", who: `sub:${session.user.sub}` });
    throw redirect(safeRedirect(redirectTo), { headers: commitAuthSession(session, request) });
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof ChallengeRequiredError) {
      const next = redirectToChallenge(error, { login: username, redirectTo: safeRedirect(redirectTo) }, request);
      if (next) {
        logSignIn({ flow: "custom", reason, outcome: `challenge:${error.challengeName}`, who: usernameHash(username) });
        throw next;
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
  const { redirectTo, error, showForm, hostedAvailable, mode, notice } = useLoaderData<typeof loader>();
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
          <Form method="post" noValidate>
            <input type="hidden" name="redirectTo" value={redirectTo} />
            <Field
              name="username"
              label="Email"
              type="email"
              autoComplete="username"
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
              required
              maxLength={256}
              error={fieldErrors.password}
            />
            <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
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
