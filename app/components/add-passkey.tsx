/**
 * "Add a passkey" on /account/passkeys: shown only once the browser has run
 * our script and supports WebAuthn. Options come from
 * /account/passkeys/register (StartWebAuthnRegistration), the browser creates
 * the credential with @simplewebauthn/browser, and the answer goes back to
 * the same route (CompleteWebAuthnRegistration).
 */
import { browserSupportsWebAuthn, startRegistration } from "@simplewebauthn/browser";
import { useEffect, useState } from "react";
import { PasskeyButton } from "./passkey-button";
import { runPasskeyCeremony } from "./passkey-ceremony";

type RegistrationOptions = Parameters<typeof startRegistration>[0]["optionsJSON"];

/**
 * `formId`: the form holding the step-up fields (password, TOTP code) when
 * the sign-in is not recent; they go along with both requests.
 */
export function AddPasskey({ formId }: { formId: string }) {
  const [supported, setSupported] = useState<boolean | null>(null);
  useEffect(() => setSupported(browserSupportsWebAuthn()), []);
  if (supported === null) return null;
  if (!supported) {
    return <p className="muted">This browser cannot create passkeys. Try a current browser on this device.</p>;
  }
  return (
    <PasskeyButton
      label="Add a passkey"
      busyLabel="Waiting for your device…"
      buttonClassName="button"
      run={() => {
        const stepUp = stepUpValues(formId);
        return runPasskeyCeremony({
          url: "/account/passkeys/register",
          start: stepUp,
          finish: stepUp,
          ceremony: (optionsJSON: RegistrationOptions) => startRegistration({ optionsJSON }),
          failed: "The passkey could not be added.",
          cancelled:
            "The passkey prompt was closed or timed out, or this device already has a passkey for this account.",
        });
      }}
    />
  );
}

function stepUpValues(formId: string): Record<string, string> {
  const form = document.getElementById(formId) as HTMLFormElement | null;
  const values: Record<string, string> = {};
  for (const name of ["stepUpPassword", "stepUpCode"]) {
    const input = form?.elements.namedItem(name) as HTMLInputElement | null;
    if (input?.value) values[name] = input.value;
  }
  return values;
}
