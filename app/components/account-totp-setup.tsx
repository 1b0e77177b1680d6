import type { FieldReply } from "~/forms/reply";
import { AccountForm } from "./account-form";
import { CodeField } from "./code-field";
import { StepUpFields, type StepUpFieldsProps } from "./step-up-fields";
import { SubmitButton } from "./submit-button";

export interface TotpSetup {
  /** Base32 secret, exactly as Cognito issued it. */
  secret: string;
  /** The otpauth:// URI the QR code encodes (authenticator apps on phones open it directly). */
  uri: string;
  /** The QR code as an SVG document, rendered on the server by the `qrcode` library. */
  qrSvg: string;
}

/** "ABCDEFGH…" → "ABCD EFGH …": easier to read and type into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

/**
 * Step two of enrolment: the QR code and the secret for manual entry, then
 * the first code from the app (and, once the sign-in is no longer recent, the
 * password again: `stepUp`). The secret goes back with the form only so a
 * wrong code can show the same QR again; Cognito keeps its own copy and is
 * the one that checks the code.
 */
export function TotpSetupForm({
  setup,
  reply,
  stepUp,
}: {
  setup: TotpSetup;
  reply: FieldReply;
  stepUp: StepUpFieldsProps["prompt"];
}) {
  return (
    <section aria-labelledby="totp-setup-heading">
      <h2 id="totp-setup-heading">Set up your authenticator app</h2>
      <ol>
        <li>Open an authenticator app (such as Google Authenticator, 1Password or Authy) and add an account.</li>
        <li>Scan this QR code, or enter the key below by hand.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <div
        role="img"
        aria-label="QR code for adding remix-cognito to your authenticator app"
        data-testid="totp-qr"
        // The library's own SVG (fixed 200×200, white quiet zone included), from the loader/action.
        // biome-ignore lint/security/noDangerouslySetInnerHtml: the SVG is generated on our server by qrcode from an otpauth URI, not user input
        dangerouslySetInnerHTML={{ __html: setup.qrSvg }}
      />
      <p>
        Key for manual entry (time-based, 6 digits):
        <br />
        <code data-testid="totp-secret">{groupSecret(setup.secret)}</code>
      </p>
      <p>
        On this phone? <a href={setup.uri}>Open in your authenticator app</a>.
      </p>
      <AccountForm noValidate>
        <input type="hidden" name="secret" value={setup.secret} />
        <CodeField label="Code from your authenticator app" reply={reply} autoFocus />
        <StepUpFields prompt={stepUp} reply={reply} />
        <SubmitButton name="intent" value="verify" pendingLabel="Verifying…">
          Verify and turn on
        </SubmitButton>
      </AccountForm>
    </section>
  );
}
