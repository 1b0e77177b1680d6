/**
 * "Add a passkey" on /account/passkeys: shown only once the browser has run
 * our script and supports WebAuthn. Options come from
 * /account/passkeys/register (StartWebAuthnRegistration), the browser creates
 * the credential with @simplewebauthn/browser, and the answer goes back to
 * the same route (CompleteWebAuthnRegistration).
 */
import { browserSupportsWebAuthn, startRegistration, WebAuthnError } from "@simplewebauthn/browser";
import { useEffect, useState } from "react";

interface Reply {
  options?: Parameters<typeof startRegistration>[0]["optionsJSON"];
  redirectTo?: string;
  error?: string;
}

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
      const started = await post({ intent: "start", ...stepUp });
      if (!started.options) throw new Error(started.error ?? "The passkey could not be added.");
      const credential = await startRegistration({ optionsJSON: started.options });
      const finished = await post({ intent: "finish", credential: JSON.stringify(credential), ...stepUp });
      if (!finished.redirectTo) throw new Error(finished.error ?? "The passkey could not be added.");
      window.location.assign(finished.redirectTo);
    } catch (e) {
      setBusy(false);
      setError(
        e instanceof WebAuthnError || (e as Error).name === "NotAllowedError"
          ? "The passkey prompt was closed or timed out, or this device already has a passkey for this account."
          : (e as Error).message,
      );
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

async function post(fields: Record<string, string>): Promise<Reply> {
  const response = await fetch("/account/passkeys/register", {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  try {
    return (await response.json()) as Reply;
  } catch {
    return { error: "The passkey could not be added. Please try again." };
  }
}
