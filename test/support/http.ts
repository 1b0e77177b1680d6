/**
 * HTTP helpers for integration tests: a cookie jar that behaves like a
 * browser for our purposes (Max-Age=0 deletes, no redirects followed
 * implicitly), and assertions that keep tests short.
 */
import { expect } from "vitest";
import { createCookieSessionStore } from "../../app/auth/cookie-session.server.ts";
import { TEST_SESSION_SECRET } from "./app.ts";

export class CookieJar {
  private cookies = new Map<string, string>();

  /** Stores every Set-Cookie of a response. */
  absorb(response: Response): void {
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = setCookie.split(";").map((s) => s.trim());
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [k, v] of this.cookies) copy.set(k, v);
    return copy;
  }

  /** The decrypted app session (tests share the app's secret), or null. */
  session(): { flow: string; id: string; access: string; refresh?: string; at: number } | null {
    const store = createCookieSessionStore<{ flow: string; id: string; access: string; refresh?: string; at: number }>({
      name: "__session",
      secrets: [TEST_SESSION_SECRET],
      secure: true,
      maxAgeSeconds: 60,
    });
    return store.read(this.header());
  }

  /** fetch with this jar's cookies, no redirect following; absorbs Set-Cookie. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("Cookie", this.header());
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.absorb(response);
    return response;
  }

  /** POST a form (url-encoded), like a browser form submission. */
  post(url: string, fields: Record<string, string>, init: RequestInit = {}): Promise<Response> {
    return this.fetch(url, {
      ...init,
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...(init.headers as Record<string, string>) },
      body: new URLSearchParams(fields).toString(),
    });
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

/** The values of `<input type="hidden">` fields in an HTML form. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = match[0].match(/name="([^"]*)"/)?.[1];
    const value = match[0].match(/value="([^"]*)"/)?.[1] ?? "";
    if (name) fields[name] = decodeHtml(value);
  }
  return fields;
}

function decodeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Parse a JWT's payload without verifying it (tests only). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
}
