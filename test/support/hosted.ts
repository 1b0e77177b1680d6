/**
 * Drives a Hosted UI sign-in over HTTP the way a browser would: app →
 * /auth/hosted → Cognito's authorize page → post the login form → callback.
 * The browser's cookies for the app and for Cognito are two jars (ours do not
 * tell hosts apart); keep the Cognito one to come back to Cognito's own
 * signed-in session (single sign-on), as a browser would.
 */
import { afterAll, beforeAll, expect, inject } from "vitest";
import { freePort } from "../../cognito-local/free-port.ts";
import { type RunningGateway, startGateway } from "../../cognito-local/gateway/index.ts";
import { decodeHtml } from "../../scripts/lib/http.ts";
import { CookieJar, expectRedirect, hiddenFields } from "./http.ts";

export interface HostedSteps {
  jar: CookieJar;
  /** The browser's cookies at Cognito (its signed-in session). */
  cognito: CookieJar;
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
  cognito = new CookieJar(),
): Promise<{ jar: CookieJar; cognito: CookieJar; callbackUrl: string; authorizeUrl: string }> {
  const start = await jar.fetch(`${appUrl}/auth/hosted?${new URLSearchParams({ redirectTo })}`);
  const authorizeUrl = expectRedirect(start, /\/oauth2\/authorize\?/);
  const login = await signInAtCognito(authorizeUrl, cognito, username, password);
  return { jar, cognito, callbackUrl: expectRedirect(login, /\/auth\/callback\?/), authorizeUrl };
}

/**
 * At Cognito, from its authorize URL: expects the sign-in page (not a
 * straight redirect back: no signed-in session, or one it must not use) and
 * posts the credentials. Returns Cognito's answer (a redirect to the callback).
 */
export async function signInAtCognito(
  authorizeUrl: string,
  cognito: CookieJar,
  username: string,
  password: string,
): Promise<Response> {
  let pageUrl = authorizeUrl;
  let page = await cognito.fetch(pageUrl);
  // Like AWS, /oauth2/authorize sends the browser on to the /login page.
  if (page.status === 302) {
    pageUrl = new URL(page.headers.get("Location")!, pageUrl).toString();
    expect(new URL(pageUrl).pathname, "Cognito shows its sign-in page").toBe("/login");
    page = await cognito.fetch(pageUrl);
  }
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = new URL(decodeHtml(html.match(/<form[^>]*action="([^"]*)"/)?.[1] ?? ""), pageUrl).toString();
  return cognito.post(action, { ...hiddenFields(html), username, password });
}

/** The whole Hosted UI sign-in, ending at the app's callback. */
export async function hostedSignIn(
  appUrl: string,
  username: string,
  password: string,
  redirectTo = "/dashboard",
  cognito = new CookieJar(),
): Promise<HostedSteps> {
  const { jar, callbackUrl } = await hostedAuthorize(appUrl, username, password, new CookieJar(), redirectTo, cognito);
  const callback = await jar.fetch(callbackUrl);
  return { jar, cognito, callbackUrl, callback };
}

/**
 * "Continue with Cognito Hosted UI" in a browser still signed in at Cognito:
 * `start` (an app path under /auth/hosted), Cognito's authorize page answering
 * from its own session with a code straight away (no form), and the app's
 * answer to that callback.
 */
export async function hostedSingleSignOn(
  appUrl: string,
  jar: CookieJar,
  cognito: CookieJar,
  start = "/auth/hosted?redirectTo=%2Fdashboard",
): Promise<{ authorizeUrl: string; callback: Response }> {
  const authorizeUrl = expectRedirect(await jar.fetch(`${appUrl}${start}`), /\/oauth2\/authorize\?/);
  const callbackUrl = expectRedirect(await cognito.fetch(authorizeUrl), /\/auth\/callback\?/);
  return { authorizeUrl, callback: await jar.fetch(callbackUrl) };
}

/** A gateway whose Hosted UI clock a test moves (see suiteClockedGateway). */
export interface ClockedGateway {
  /** Its URL: the app's COGNITO_DOMAIN. */
  url: string;
  /** Runs the Hosted UI's clock `ms` off the real one from now on (negative: in the past). */
  setOffset(ms: number): void;
}

/**
 * A second gateway in front of the run's cognito-local, for a describe block:
 * the same pool and users, its tokens issued as the run's emulator's (so an app
 * with COGNITO_ENDPOINT at the run's emulator verifies them), and a Hosted UI
 * clock the test can turn back — a Cognito session that began "11 minutes
 * ago" without waiting 11 minutes. Use its `url` as the app's COGNITO_DOMAIN.
 */
export function suiteClockedGateway(): ClockedGateway {
  let offset = 0;
  let gateway: RunningGateway | undefined;
  beforeAll(async () => {
    gateway = await startGateway({
      upstreamUrl: inject("emulatorUpstreamUrl"),
      port: await freePort(),
      publicUrl: inject("emulatorUrl"),
      now: () => Date.now() + offset,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
  });
  return {
    get url() {
      if (!gateway) throw new Error("the clocked gateway starts before the first test");
      return `http://127.0.0.1:${gateway.port}`;
    },
    setOffset(ms: number) {
      offset = ms;
    },
  };
}
