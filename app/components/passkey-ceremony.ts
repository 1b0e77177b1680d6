/**
 * The browser half of a passkey ceremony, shared by "Add a passkey" and
 * "Sign in with a passkey": ask the app's route for options (`intent=start`),
 * let the browser create or use the credential, send it back
 * (`intent=finish`), and go where the route says. The route speaks JSON at
 * each step: `{ options }`, then `{ redirectTo }`, or `{ error }` with a
 * message for the person.
 */
import { WebAuthnError } from "@simplewebauthn/browser";

interface Reply<Options> {
  options?: Options;
  redirectTo?: string;
  error?: string;
}

export interface PasskeyCeremony<Options> {
  /** The route that answers both steps. */
  url: string;
  /** Fields sent with `intent=start`. */
  start: Record<string, string>;
  /** Fields sent with `intent=finish` besides the credential (step-up fields, say). */
  finish?: Record<string, string>;
  /** The browser's part: @simplewebauthn/browser's startRegistration or startAuthentication. */
  ceremony: (options: Options) => Promise<unknown>;
  /** Shown when the route gives no message of its own. */
  failed: string;
  /** Shown when the browser's prompt was closed, timed out or refused. */
  cancelled: string;
}

/**
 * Runs the ceremony and navigates on success. Rejects with an Error whose
 * message is meant for the person (never a raw WebAuthn or network error).
 */
export async function runPasskeyCeremony<Options>(c: PasskeyCeremony<Options>): Promise<void> {
  try {
    const started = await post<Options>(c.url, { intent: "start", ...c.start }, c.failed);
    if (!started.options) throw new Error(started.error ?? c.failed);
    const credential = await c.ceremony(started.options);
    const finished = await post<Options>(
      c.url,
      { intent: "finish", ...c.finish, credential: JSON.stringify(credential) },
      c.failed,
    );
    if (!finished.redirectTo) throw new Error(finished.error ?? c.failed);
    window.location.assign(finished.redirectTo);
  } catch (e) {
    const cancelled = e instanceof WebAuthnError || (e as Error).name === "NotAllowedError";
    throw new Error(cancelled ? c.cancelled : (e as Error).message || c.failed);
  }
}

async function post<Options>(url: string, fields: Record<string, string>, failed: string): Promise<Reply<Options>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    return { error: `${failed} Please check your connection and try again.` };
  }
  try {
    return (await response.json()) as Reply<Options>;
  } catch {
    return { error: `${failed} Please try again.` };
  }
}
