/**
 * "Add a passkey" on /account/passkeys: shown only once the browser has run
 * our script and supports WebAuthn. Options come from
 * /account/passkeys/register (StartWebAuthnRegistration), the browser creates
 * the credential with @simplewebauthn/browser, and the answer goes back to
 * the same route (CompleteWebAuthnRegistration).
 */
import { browserSupportsWebAuthn, startRegistration } from "@simplewebauthn/browser";
import { useEffect, useState } from "react";
import { runPasskeyCeremony } from "./passkey-ceremony";

type RegistrationOptions = Parameters<typeof startRegistration>[0]["optionsJSON"];

/**
 * `formId`: the form holding the step-up fields (password, TOTP code) when
 * the sign-in is not recent; they go along with both requests.
 */
export function AddPasskey({ formId }: { formId: string }) {
  const [supported, setSupported] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setSupported(browserSupportsWebAuthn()), []);
  if (supported === null) return null;
  if (!supported) {
    return <p className="muted">This browser cannot create passkeys. Try a current browser on this device.</p>;
  }

  async function add() {
    setError(null);
    setBusy(true);
    const stepUp = stepUpValues(formId);
    try {
      await runPasskeyCeremony({
        url: "/account/passkeys/register",
        start: stepUp,
        finish: stepUp,
        ceremony: (optionsJSON: RegistrationOptions) => startRegistration({ optionsJSON }),
        failed: "The passkey could not be added.",
        cancelled: "The passkey prompt was closed or timed out, or this device already has a passkey for this account.",
      });
    } catch (e) {
      setBusy(false);
      setError((e as Error).message);
    }
  }

  return (
    <div>
      <button type="button" className="button" onClick={add} disabled={busy}>
        {busy ? "Waiting for your device…" : "Add a passkey"}
      </button>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
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
