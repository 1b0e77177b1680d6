import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  type CurrentSession,
  getCognitoServices,
  requireUser,
  type StepUpPrompt,
  signsInWith,
  stepUpPrompt,
  stepUpReply,
  verifyStepUp,
} from "~/auth/auth.server";
import { AccountForm } from "~/components/account-form";
import { type TotpSetup, TotpSetupForm } from "~/components/account-totp-setup";
import { FormError } from "~/components/form-error";
import { StepUpFields } from "~/components/step-up-fields";
import { SubmitButton } from "~/components/submit-button";
import { codeField, stepUpFormFields } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";
import { orErrorPage } from "~/http/error-page.server";
import { limitCredentialCheck } from "~/http/rate-limit.server";
import type { AccountPage } from "./account";

export const handle: AccountPage = { heading: "Two-step verification" };
export { meta } from "./account";

const ISSUER = "remix-cognito";

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  // Cognito keeps no password, codes or passkeys for an account that signs in through a provider.
  if (signsInWith(session.user)) throw redirect("/account/sign-in-methods", { headers: session.headers });
  const profile = await orErrorPage(
    getCognitoServices().account.getProfile(session.tokens.accessToken),
    session.headers,
  );
  return data(
    {
      mfaEnabled: profile.mfaEnabled,
      // Turning it on or off is a sensitive change: a recent sign-in, or the password (and a code) again.
      stepUp: stepUpPrompt(session, { mfaEnabled: profile.mfaEnabled }),
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
  z.object({ intent: z.literal("start"), ...stepUpFormFields }),
  z.object({ intent: z.literal("verify"), code: codeField, secret: secretField, ...stepUpFormFields }),
  z.object({ intent: z.literal("disable"), ...stepUpFormFields }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  if (signsInWith(session.user)) throw redirect("/account/sign-in-methods", { headers: session.headers });
  const account = getCognitoServices().account;
  const accessToken = session.tokens.accessToken;
  const submission = await parseForm(request, MfaForm, { headers: session.headers });
  // A mistyped code keeps the QR code on screen: the same secret, sent back by the form.
  const secret = secretField.parse(submission.values.secret);
  const shown = { extra: secret ? { setup: await totpSetup(secret, session) } : undefined };
  if (!submission.ok) return submission.reply(shown);

  const form = submission.data;
  // Each step changes who can sign in to the account: someone at an unattended browser who
  // enrolled their own authenticator app would lock the owner out (their code, not the owner's,
  // would be asked for). Both steps of turning it on, and turning it off, pass step-up.
  const check = await verifyStepUp(session, form, { context });
  if (!check.ok) {
    const reply = stepUpReply(check);
    return submission.reply({ ...reply, extra: { ...shown.extra, ...reply.extra } });
  }
  return submission.attempt(async () => {
    switch (form.intent) {
      case "start": {
        const profile = await account.getProfile(accessToken);
        if (profile.mfaEnabled) {
          return submission.reply({
            formError: "Two-step verification is already on. Turn it off first to use a different app.",
          });
        }
        const setup = await totpSetup(await account.associateSoftwareToken(accessToken), session);
        // The next step asks again, unless the sign-in is recent (a checked password is not remembered).
        return submission.reply({ extra: { setup, stepUp: stepUpPrompt(session, { mfaEnabled: false }) } });
      }
      case "verify":
        await limitCredentialCheck({ context }, "totp-enrol", session.user.sub, () =>
          account.enableTotp(accessToken, form.code),
        );
        throw redirect("/account/mfa?notice=mfa-enabled", { headers: session.headers });
      case "disable": {
        // The second factor is what protects the account if the password leaks.
        await account.disableTotp(accessToken);
        throw redirect("/account/mfa?notice=mfa-disabled", { headers: session.headers });
      }
    }
  }, shown);
}

/**
 * The otpauth URI authenticator apps understand, and its QR code drawn on the
 * server (no script, no third-party image service sees the secret).
 */
async function totpSetup(secret: string, session: CurrentSession): Promise<TotpSetup> {
  const account = session.user.email ?? session.user.username;
  const label = `${ISSUER}:${encodeURIComponent(account)}`;
  const uri = `otpauth://totp/${label}?${new URLSearchParams({ secret, issuer: ISSUER })}`;
  // Imported here, not at the top: only this step draws a QR code, and qrcode with its PNG
  // encoder is ~60 files every app start-up would otherwise load.
  const { default: QRCode } = await import("qrcode");
  const qrSvg = await QRCode.toString(uri, { type: "svg", margin: 2, width: 200, errorCorrectionLevel: "M" });
  return { secret, uri, qrSvg };
}

export default function AccountMfa() {
  const { mfaEnabled, stepUp } = useLoaderData<typeof loader>();
  const reply = useFormReply<{ setup?: TotpSetup; stepUp?: StepUpPrompt }>();
  const setup = reply.extra?.setup;
  const prompt = reply.extra?.stepUp ?? stepUp;
  return (
    <>
      <FormError message={reply.summary} />
      <p>
        Status: <strong data-testid="mfa-status">{mfaEnabled ? "On" : "Off"}</strong>
        {mfaEnabled ? " — you enter a code from your authenticator app each time you sign in." : null}
      </p>
      {mfaEnabled ? (
        <AccountForm noValidate>
          <StepUpFields prompt={prompt} reply={reply} />
          <SubmitButton name="intent" value="disable" pendingLabel="Turning off…" className="button button-secondary">
            Turn off
          </SubmitButton>
        </AccountForm>
      ) : setup ? (
        <TotpSetupForm setup={setup} reply={reply} stepUp={prompt} />
      ) : (
        <>
          <p>
            Protect your account with a second step: after your password, a 6-digit code from an authenticator app on
            your phone.
          </p>
          <AccountForm noValidate>
            <StepUpFields prompt={prompt} reply={reply} />
            <SubmitButton name="intent" value="start" pendingLabel="Starting…">
              Set up authenticator app
            </SubmitButton>
          </AccountForm>
        </>
      )}
    </>
  );
}
