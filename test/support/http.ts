/**
 * HTTP helpers for integration tests: a cookie jar that behaves like a
 * browser for our purposes (Max-Age=0 deletes, no redirects followed
 * implicitly), and assertions that keep tests short.
 */
import { expect } from "vitest";
import type { StoredSession } from "../../app/auth/stored-session.server.ts";
import { CookieJar as BaseCookieJar, hiddenFields } from "../../scripts/lib/http.ts";
import { TEST_SESSION_SECRET } from "./app.ts";
import { openSession } from "./tokens.ts";

/** The shared jar (scripts/lib/http.ts), plus a look inside the app's own session cookie. */
export class CookieJar extends BaseCookieJar {
  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [k, v] of this.cookies) copy.set(k, v);
    return copy;
  }

  /**
   * The decrypted app session (tests share the app's secret), or null. Under
   * the production name (`__Host-session`), or the development one for the
   * few tests that start a development-mode app; which names production
   * writes and reads is asserted on its own (privacy.test.ts).
   */
  session(): StoredSession | null {
    const name = this.names().some((n) => n.startsWith("__Host-session.")) ? "__Host-session" : "__session";
    return openSession(this, [TEST_SESSION_SECRET], name);
  }
}

export function expectRedirect(response: Response, location: string | RegExp): string {
  expect(response.status, `expected a redirect, got ${response.status}`).toBeGreaterThanOrEqual(300);
  expect(response.status).toBeLessThan(400);
  const actual = response.headers.get("Location") ?? "";
  if (typeof location === "string") expect(actual).toBe(location);
  else expect(actual).toMatch(location);
  return actual;
}

/** Signs in through the app's form; returns the jar holding the session. */
export async function signInWithForm(
  appUrl: string,
  username: string,
  password: string,
  jar = new CookieJar(),
): Promise<CookieJar> {
  const response = await jar.post(`${appUrl}/login`, { username, password });
  expectRedirect(response, "/dashboard");
  expect(jar.session(), "a session cookie after sign-in").not.toBeNull();
  return jar;
}

export { hiddenFields };

/** Parse a JWT's payload without verifying it (tests only). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
}
