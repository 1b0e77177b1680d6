import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { z } from "zod";
import {
  type CurrentSession,
  requireUser,
  type StepUpPrompt,
  stepUpFormFields,
  stepUpPrompt,
  verifyStepUp,
} from "~/auth/auth.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import {
  CodeMismatchError,
  CognitoAuthError,
  ExpiredCodeError,
  InvalidCredentialsError,
  RefreshFailedError,
} from "~/cognito/errors.server";
import { AccountNav } from "~/components/account-nav";
import { type TotpSetup, TotpSetupForm } from "~/components/account-totp-setup";
import { FormError, FormSuccess } from "~/components/form-error";
import { StepUpFields } from "~/components/step-up-fields";
import { SubmitButton } from "~/components/submit-button";
import { codeField, parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";
import { limitCredentialCheck } from "~/http/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "Two-step verification · remix-cognito" }];

const ISSUER = "remix-cognito";

const NOTICES: Record<string, string> = {
  "mfa-enabled": "Two-step verification is on. From now on you will be asked for a code when you sign in.",
  "mfa-disabled": "Two-step verification is off.",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  const profile = await orFail(session, () => getCognitoServices().account.getProfile(session.tokens.accessToken));
  return data(
    {
      mfaEnabled: profile.mfaEnabled,
      // Turning it off is a sensitive change: a recent sign-in, or the password and a code again.
      stepUp: stepUpPrompt(session, { mfaEnabled: profile.mfaEnabled }),
      notice: NOTICES[new URL(request.url).searchParams.get("notice") ?? ""] ?? null,
    },
    { headers: session.headers },
  );
}

/** Base32, as Cognito issues secrets; only ever used to draw the QR code again. */
const secretField = z
  .string()
  .trim()
  .max(128)
  .regex(/^[A-Z2-7]+=*$/)
  .optional()
  .catch(undefined);

const MfaForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("verify"), code: codeField, secret: secretField }),
  z.object({ intent: z.literal("disable"), ...stepUpFormFields }),
]);

interface ActionData {
  error: string | null;
  fieldErrors: Partial<Record<string, string>>;
  setup: TotpSetup | null;
  /** The step-up fields the "turn off" form must show now (after a step-up check failed). */
  stepUp?: StepUpPrompt;
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  const account = getCognitoServices().account;
  const accessToken = session.tokens.accessToken;
  const reply = (body: Partial<ActionData>, status: number) =>
    data<ActionData>({ error: null, fieldErrors: {}, setup: null, ...body }, { status, headers: session.headers });

  const parsed = await parseForm(request, MfaForm);
  if (!parsed.ok) {
    const { intent, ...fieldErrors } = parsed.fieldErrors;
    // A mistyped code keeps the QR code on screen (the same secret, from the
    // form). Only a form parseForm could read is read again.
    const secret = parsed.formError ? undefined : await readSecret(request);
    return reply(
      {
        error: parsed.formError ?? (intent ? "Please use the buttons on this page." : null),
        fieldErrors,
        setup: secret ? await totpSetup(secret, session) : null,
      },
      400,
    );
  }

  const form = parsed.data;
  try {
    switch (form.intent) {
      case "start": {
        const profile = await account.getProfile(accessToken);
        if (profile.mfaEnabled) {
          const error = "Two-step verification is already on. Turn it off first to use a different app.";
          return reply({ error }, 400);
        }
        const secret = await account.associateSoftwareToken(accessToken);
        return reply({ setup: await totpSetup(secret, session) }, 200);
      }
      case "verify":
        await limitCredentialCheck({ context }, "totp-enrol", session.user.sub, () =>
          account.enableTotp(accessToken, form.code),
        );
        throw redirect("/account/mfa?notice=mfa-enabled", { headers: session.headers });
      case "disable": {
        // The second factor is what protects the account if the password
        // leaks: only with a recent sign-in, or the password and a code again.
        const check = await verifyStepUp(session, form, { context });
        if (!check.ok) {
          const { fieldErrors, formError, prompt, status } = check;
          return reply({ error: formError ?? null, fieldErrors, stepUp: prompt }, status);
        }
        await account.disableTotp(accessToken);
        throw redirect("/account/mfa?notice=mfa-disabled", { headers: session.headers });
      }
    }
  } catch (error) {
    if (!(error instanceof CognitoAuthError)) throw error;
    const { message, status } = toMessage(error);
    if (form.intent === "verify" && form.secret) {
      const setup = await totpSetup(form.secret, session);
      const aboutTheCode = error instanceof CodeMismatchError || error instanceof ExpiredCodeError;
      return reply(aboutTheCode ? { fieldErrors: { code: message }, setup } : { error: message, setup }, status);
    }
    return reply({ error: message }, status);
  }
}

/**
 * The otpauth URI authenticator apps understand, and its QR code drawn on the
 * server (no script, no third-party image service sees the secret).
 */
async function totpSetup(secret: string, session: CurrentSession): Promise<TotpSetup> {
  const account = session.user.email ?? session.user.username;
  const label = `${ISSUER}:${encodeURIComponent(account)}`;
  const uri = `otpauth://totp/${label}?${new URLSearchParams({ secret, issuer: ISSUER })}`;
  const qrSvg = await QRCode.toString(uri, { type: "svg", margin: 2, width: 200, errorCorrectionLevel: "M" });
  return { secret, uri, qrSvg };
}

async function readSecret(request: Request): Promise<string | undefined> {
  try {
    const value = (await request.clone().formData()).get("secret");
    return secretField.parse(typeof value === "string" ? value : undefined);
  } catch {
    return undefined;
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

async function orFail<T>(session: CurrentSession, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!(error instanceof CognitoAuthError)) throw error;
    const { message, status } = toMessage(error);
    throw data({ message }, { status, headers: session.headers });
  }
}

export default function AccountMfa() {
  const { mfaEnabled, notice, stepUp } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const setup = actionData?.setup ?? null;
  const fieldErrors: Partial<Record<string, string>> = actionData?.fieldErrors ?? {};
  return (
    <main>
      <div className="card">
        <AccountNav />
        <h1>Two-step verification</h1>
        <FormSuccess message={actionData ? null : notice} />
        <FormError
          message={
            actionData?.error ??
            (fieldErrors.code ? "Please check the code." : null) ??
            (fieldErrors.stepUpPassword || fieldErrors.stepUpCode ? "Please confirm it’s you." : null)
          }
        />
        <p>
          Status: <strong data-testid="mfa-status">{mfaEnabled ? "On" : "Off"}</strong>
          {mfaEnabled ? " — you enter a code from your authenticator app each time you sign in." : null}
        </p>
        {mfaEnabled ? (
          <Form method="post" noValidate>
            <StepUpFields prompt={actionData?.stepUp ?? stepUp} errors={fieldErrors} />
            <SubmitButton name="intent" value="disable" pendingLabel="Turning off…" className="button button-secondary">
              Turn off
            </SubmitButton>
          </Form>
        ) : setup ? (
          <TotpSetupForm setup={setup} codeError={fieldErrors.code} />
        ) : (
          <>
            <p>
              Protect your account with a second step: after your password, a 6-digit code from an authenticator app on
              your phone.
            </p>
            <Form method="post">
              <SubmitButton name="intent" value="start" pendingLabel="Starting…">
                Set up authenticator app
              </SubmitButton>
            </Form>
          </>
        )}
      </div>
    </main>
  );
}
