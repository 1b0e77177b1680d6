/**
 * Drives a Hosted UI sign-in over HTTP the way a browser would: app →
 * /auth/hosted → Cognito's authorize page → post the login form → callback.
 */
import { expect } from "vitest";
import { decodeHtml } from "../../scripts/lib/http.ts";
import { CookieJar, expectRedirect, hiddenFields } from "./http.ts";

export interface HostedSteps {
  jar: CookieJar;
  /** The callback URL Cognito redirected to (with code and state). */
  callbackUrl: string;
  /** The app's response to the callback. */
  callback: Response;
}

/** Starts at /auth/hosted and returns the callback URL Cognito sends the browser to. */
export async function hostedAuthorize(
  appUrl: string,
  username: string,
  password: string,
  jar = new CookieJar(),
  redirectTo = "/dashboard",
): Promise<{ jar: CookieJar; callbackUrl: string; authorizeUrl: string }> {
  const start = await jar.fetch(`${appUrl}/auth/hosted?${new URLSearchParams({ redirectTo })}`);
  const authorizeUrl = expectRedirect(start, /\/oauth2\/authorize\?/);
  // The browser at Cognito: its own cookies, not the app's.
  const cognito = new CookieJar();
  let pageUrl = authorizeUrl;
  let page = await cognito.fetch(pageUrl);
  // Like AWS, /oauth2/authorize sends the browser on to the /login page.
  if (page.status === 302) {
    pageUrl = new URL(page.headers.get("Location")!, pageUrl).toString();
    page = await cognito.fetch(pageUrl);
  }
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = new URL(decodeHtml(html.match(/<form[^>]*action="([^"]*)"/)?.[1] ?? ""), pageUrl).toString();
  const login = await cognito.post(action, { ...hiddenFields(html), username, password });
  const callbackUrl = expectRedirect(login, /\/auth\/callback\?/);
  return { jar, callbackUrl, authorizeUrl };
}

/** The whole Hosted UI sign-in, ending at the app's callback. */
export async function hostedSignIn(
  appUrl: string,
  username: string,
  password: string,
  redirectTo = "/dashboard",
): Promise<HostedSteps> {
  const { jar, callbackUrl } = await hostedAuthorize(appUrl, username, password, new CookieJar(), redirectTo);
  const callback = await jar.fetch(callbackUrl);
  return { jar, callbackUrl, callback };
}
