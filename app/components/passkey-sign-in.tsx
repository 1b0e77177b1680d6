/**
 * "Sign in with a passkey": progressive enhancement on the sign-in form.
 * Nothing is rendered until the browser has run our script and says it
 * supports WebAuthn, so the page works the same without it (password or
 * emailed code).
 *
 * The Cognito round trip goes through /login/passkey: `start` answers the
 * WEB_AUTHN challenge's request options (Cognito needs the email first: it
 * issues a challenge for a named user, so there is no passkey prompt before
 * an email is typed), the browser signs it with @simplewebauthn/browser, and
 * `finish` sends the assertion and answers where to go once signed in.
 */
import { browserSupportsWebAuthn, startAuthentication, WebAuthnError } from "@simplewebauthn/browser";
import { useEffect, useState } from "react";

interface StartReply {
  options?: Parameters<typeof startAuthentication>[0]["optionsJSON"];
  redirectTo?: string;
  error?: string;
}

export function PasskeySignIn({ formId, redirectTo }: { formId: string; redirectTo: string }) {
  const [supported, setSupported] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setSupported(browserSupportsWebAuthn()), []);
  if (!supported) return null;

  async function signIn() {
    setError(null);
    const form = document.getElementById(formId) as HTMLFormElement | null;
    const username = (form?.elements.namedItem("username") as HTMLInputElement | null)?.value.trim() ?? "";
    if (!username) {
      setError("Enter your email address, then choose “Sign in with a passkey”.");
      return;
    }
    setBusy(true);
    try {
      const started = await post({ intent: "start", username, redirectTo });
      if (!started.options) throw new Error(started.error ?? "Passkey sign-in could not start.");
      const credential = await startAuthentication({ optionsJSON: started.options });
      const finished = await post({ intent: "finish", credential: JSON.stringify(credential) });
      if (!finished.redirectTo) throw new Error(finished.error ?? "Passkey sign-in failed.");
      window.location.assign(finished.redirectTo);
    } catch (e) {
      setBusy(false);
      setError(
        e instanceof WebAuthnError || (e as Error).name === "NotAllowedError"
          ? "The passkey prompt was closed or timed out. Try again, or sign in another way."
          : (e as Error).message,
      );
    }
  }

  return (
    <div className="passkey-sign-in">
      <button type="button" className="button button-secondary" onClick={signIn} disabled={busy}>
        {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </button>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

async function post(fields: Record<string, string>): Promise<StartReply> {
  const response = await fetch("/login/passkey", {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  try {
    return (await response.json()) as StartReply;
  } catch {
    return { error: "Passkey sign-in failed. Please try again." };
  }
}
