/**
 * Driving the local identity provider (scripts/lib/local-idp) the way a
 * browser does: follow its redirects, fill in its sign-in form, answer its
 * consent page, and stop where it sends the browser back to its client.
 * Against the real provider; nothing here stands in for it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LOCAL_IDP_PEOPLE, type LocalIdpPerson } from "../../app/dev/local-idp-people.server.ts";
import { freePort } from "../../cognito-local/free-port.ts";
import type { CookieJar } from "../../scripts/lib/http.ts";
import { type LocalIdpOptions, type RunningLocalIdp, startLocalIdp } from "../../scripts/lib/local-idp/server.ts";

export interface ProviderVisit {
  /** Sign in as this person when the provider asks (default: expect no sign-in page). */
  person?: Pick<LocalIdpPerson, "email" | "password">;
  /** How to answer the consent page (default allow). */
  consent?: "allow" | "deny";
  /** Press Cancel on the sign-in page instead of signing in. */
  cancel?: boolean;
}

export interface ProviderOutcome {
  /** Where the provider sent the browser outside itself (its client's redirect URI, with code or error). */
  location: string;
  /** The pages it showed on the way, in order: "sign-in", "consent". */
  pages: string[];
}

/**
 * Follows the browser from `url` (anything that leads to the provider's
 * authorization endpoint) until a redirect leaves `providerOrigin`.
 */
export async function visitProvider(
  jar: CookieJar,
  url: string,
  providerOrigin: string,
  visit: ProviderVisit = {},
): Promise<ProviderOutcome> {
  const pages: string[] = [];
  let next = url;
  for (let hop = 0; hop < 15; hop++) {
    const response = await jar.fetch(next);
    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get("Location") ?? "", next).toString();
      if (new URL(location).origin !== providerOrigin && new URL(next).origin === providerOrigin) {
        return { location, pages };
      }
      next = location;
      continue;
    }
    const body = await response.text();
    if (new URL(next).origin !== providerOrigin) {
      throw new Error(
        `expected a redirect towards the provider from ${next}, got ${response.status}: ${body.slice(0, 300)}`,
      );
    }
    const action = new URL(body.match(/<form method="post" action="([^"]+)"/)?.[1] ?? "", next).toString();
    if (body.includes('name="password"')) {
      pages.push("sign-in");
      if (visit.cancel) {
        next = await followPost(jar, action, { action: "cancel" });
        continue;
      }
      if (!visit.person) throw new Error("the provider asked for a sign-in, and the test gave no person");
      const posted = await jar.post(action, {
        email: visit.person.email,
        password: visit.person.password,
        action: "sign-in",
      });
      if (posted.status === 401) throw new Error(`the provider refused ${visit.person.email}'s password`);
      next = location(posted, action);
      continue;
    }
    if (body.includes('value="allow"')) {
      pages.push("consent");
      next = await followPost(jar, action, { action: visit.consent ?? "allow" });
      continue;
    }
    throw new Error(`unexpected provider page (${response.status}): ${body.slice(0, 300)}`);
  }
  throw new Error("too many redirects at the provider");
}

async function followPost(jar: CookieJar, action: string, fields: Record<string, string>): Promise<string> {
  return location(await jar.post(action, fields), action);
}

function location(response: Response, base: string): string {
  if (response.status < 300 || response.status >= 400) {
    throw new Error(`expected the provider to redirect after a form, got ${response.status}`);
  }
  return new URL(response.headers.get("Location") ?? "", base).toString();
}

export interface TestIdp extends RunningLocalIdp {
  dataDir: string;
  /** Stops it and deletes its data directory. */
  dispose(): Promise<void>;
}

/** A local identity provider of the test's own, on a free loopback port and a fresh data directory. */
export async function startTestIdp(
  options: Omit<LocalIdpOptions, "port" | "dataDir"> & { dataDir?: string },
): Promise<TestIdp> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-idp-"));
  const port = await freePort();
  const idp = await startLocalIdp({ issuer: `http://127.0.0.1:${port}`, ...options, port, dataDir });
  return {
    ...idp,
    dataDir,
    async dispose() {
      await idp.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A browser signing in through the app with an identity provider: from
 * `start` (the app's `/auth/hosted?provider=…`) across the app, the emulator
 * and the provider (whose sign-in and consent pages are filled in as `visit`
 * says), until the app answers with a page or sends the browser to one of
 * its own pages other than the sign-in round trip. Returns that answer.
 */
export async function providerSignInThroughApp(
  jar: CookieJar,
  start: string,
  providerOrigin: string,
  visit: ProviderVisit = {},
): Promise<{ response: Response; location: string | null; pages: string[] }> {
  const appOrigin = new URL(start).origin;
  const pages: string[] = [];
  let next = start;
  for (let hop = 0; hop < 20; hop++) {
    if (new URL(next).origin === providerOrigin) {
      const outcome = await visitProvider(jar, next, providerOrigin, visit);
      pages.push(...outcome.pages);
      next = outcome.location;
      continue;
    }
    const response = await jar.fetch(next);
    const location = response.headers.get("Location");
    if (response.status < 300 || response.status >= 400 || !location) return { response, location: null, pages };
    const to = new URL(location, next);
    if (to.origin === appOrigin && !to.pathname.startsWith("/auth/")) {
      return { response, location: `${to.pathname}${to.search}`, pages };
    }
    next = to.toString();
  }
  throw new Error("too many redirects signing in with a provider");
}

/** The seeded people, by what a test uses them for. */
export const PEOPLE = {
  /** demo@example.com, verified: matches the seeded demo account. */
  matching: LOCAL_IDP_PEOPLE[0]!,
  /** newcomer@example.net, verified: nobody in the pool has it. */
  newcomer: LOCAL_IDP_PEOPLE[1]!,
  /** admin@example.com, not verified by the provider. */
  unverified: LOCAL_IDP_PEOPLE[2]!,
};
