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
import { browserSupportsWebAuthn, startAuthentication } from "@simplewebauthn/browser";
import { useEffect, useState } from "react";
import { PasskeyButton } from "./passkey-button";
import { runPasskeyCeremony } from "./passkey-ceremony";

type AuthenticationOptions = Parameters<typeof startAuthentication>[0]["optionsJSON"];

export function PasskeySignIn({ formId, redirectTo }: { formId: string; redirectTo: string }) {
  const [supported, setSupported] = useState(false);
  useEffect(() => setSupported(browserSupportsWebAuthn()), []);
  if (!supported) return null;

  const username = () => {
    const form = document.getElementById(formId) as HTMLFormElement | null;
    return (form?.elements.namedItem("username") as HTMLInputElement | null)?.value.trim() ?? "";
  };
  return (
    <PasskeyButton
      className="passkey-sign-in"
      label="Sign in with a passkey"
      busyLabel="Waiting for your passkey…"
      buttonClassName="button button-secondary"
      check={() => (username() ? null : "Enter your email address, then choose “Sign in with a passkey”.")}
      run={() =>
        runPasskeyCeremony({
          url: "/login/passkey",
          start: { username: username(), redirectTo },
          ceremony: (optionsJSON: AuthenticationOptions) => startAuthentication({ optionsJSON }),
          failed: "Passkey sign-in failed.",
          cancelled: "The passkey prompt was closed or timed out. Try again, or sign in another way.",
        })
      }
    />
  );
}
