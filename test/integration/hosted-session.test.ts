/**
 * Cognito's own Hosted UI session (its cookie, an hour on AWS) must not undo what the app decided:
 * a sign-in through it counts from when the person authenticated (the ID token's `auth_time`),
 * not from the callback, so it is no step-up; after "sign out everywhere", an admin's "end all
 * sessions" or a password change it is refused (no session) and the browser goes back through
 * the Hosted UI with `prompt=login`, once; and signing out ends it, whatever flow made the
 * session.
 *
 * The Hosted UI here is a second gateway in front of the run's cognito-local whose clock the
 * test turns back, so a Cognito session that began 11 minutes ago takes no waiting
 * (test/support/hosted.ts). The app's own session is aged the same way (ageSession).
 */
import { describe, expect, it } from "vitest";
import { suiteApp } from "../support/fixtures.ts";
import { hostedSignIn, hostedSingleSignOn, signInAtCognito, suiteClockedGateway } from "../support/hosted.ts";
import { type CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";
import { ageSession } from "../support/tokens.ts";
import { createUser, type TestUser } from "../support/users.ts";

const ADMIN = { username: "admin@example.com", password: "AdminPassw0rd!" };
const MINUTE = 60_000;

const cognito = suiteClockedGateway();
const app = suiteApp(async () => ({
  env: { COGNITO_DOMAIN: cognito.url, COGNITO_USER_AUTH: "1" },
  client: { userAuth: true },
}));

/** Signs `user` in through the Hosted UI, Cognito's session having begun `minutesAgo`; the app's session too. */
async function signedInAtCognito(user: TestUser, minutesAgo: number) {
  cognito.setOffset(-minutesAgo * MINUTE);
  try {
    const steps = await hostedSignIn(app.url, user.username, user.password);
    expectRedirect(steps.callback, "/dashboard");
    return { ...steps, jar: minutesAgo > 0 ? ageSession(steps.jar, minutesAgo * 60) : steps.jar };
  } finally {
    cognito.setOffset(0);
  }
}

/** Whether a response stores a session cookie. */
function setsSession(response: Response): boolean {
  return response.headers.getSetCookie().some((c) => c.startsWith("__Host-session."));
}

/** A change that needs step-up: the first step of adding a passkey (it changes nothing by itself). */
function addPasskeyStart(jar: CookieJar) {
  return jar.post(`${app.url}/account/passkeys/register`, { intent: "start" });
}

describe("a Hosted UI sign-in counts from when the person authenticated", () => {
  it("step-up: Cognito's 11-minute-old session signs the browser in again, but not freshly; prompt=login does", async () => {
    const user = await createUser("sso-stepup");
    const { jar, cognito: atCognito } = await signedInAtCognito(user, 11);
    expect((await addPasskeyStart(jar)).status).toBe(403);

    // One redirect away from a "fresh" sign-in: Cognito answers from its own session, no form.
    const { callback } = await hostedSingleSignOn(app.url, jar, atCognito);
    expectRedirect(callback, "/dashboard");
    const signedInAt = jar.session()!.at;
    expect(Date.now() / 1000 - signedInAt, "the session's sign-in time is Cognito's, 11 minutes ago").toBeGreaterThan(
      10 * 60,
    );
    const refused = await addPasskeyStart(jar);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe("Enter your password to confirm this change.");
    expect((await jar.fetch(`${app.url}/account/passkeys`)).status).toBe(200);

    // Signing in again through the Hosted UI asks Cognito for a real sign-in: the password page, despite its session.
    const again = expectRedirect(
      await jar.fetch(`${app.url}/auth/hosted?prompt=login&redirectTo=%2Faccount%2Fpasskeys`),
      /\/oauth2\/authorize\?/,
    );
    expect(new URL(again).searchParams.get("prompt")).toBe("login");
    const login = await signInAtCognito(again, atCognito, user.username, user.password);
    expectRedirect(await jar.fetch(expectRedirect(login, /\/auth\/callback\?/)), "/account/passkeys");
    expect(Date.now() / 1000 - jar.session()!.at).toBeLessThan(60);
    expect((await addPasskeyStart(jar)).status).toBe(200);
  });
});

describe("after the user's sessions are ended, Cognito's older session signs nobody in", () => {
  /** What ends every session of `user` from another browser, as the app offers it. */
  const cutOffs: [string, (user: TestUser) => Promise<void>][] = [
    [
      '"sign out everywhere"',
      async (user) => {
        const elsewhere = await signInWithForm(app.url, user.username, user.password);
        const res = await elsewhere.post(`${app.url}/account/sessions`, { intent: "end-others" });
        // That browser signs out through the Hosted UI too.
        expectRedirect(res, new RegExp(`^${cognito.url}/logout\\?`));
      },
    ],
    [
      'an admin\'s "end all sessions"',
      async (user) => {
        const admin = await signInWithForm(app.url, ADMIN.username, ADMIN.password);
        const res = await admin.post(`${app.url}/admin`, { email: user.username });
        expect(res.status).toBe(200);
        expect(await res.text()).not.toContain("here and at Cognito");
      },
    ],
    [
      "a password change",
      async (user) => {
        const elsewhere = await signInWithForm(app.url, user.username, user.password);
        const password = `${user.password}-2`;
        const res = await elsewhere.post(`${app.url}/account/password`, {
          current: user.password,
          password,
          confirm: password,
        });
        expectRedirect(res, "/account?notice=password-changed");
        user.password = password;
      },
    ],
  ];

  it.each(cutOffs)(
    "%s: a Hosted UI sign-in from before it is refused, no session made, and sent back with prompt=login",
    async (_, endEverySession) => {
      const user = await createUser("sso-cutoff");
      const { jar, cognito: atCognito } = await signedInAtCognito(user, 1);
      await endEverySession(user);
      expectRedirect(await jar.fetch(`${app.url}/dashboard`), "/login?redirectTo=%2Fdashboard");

      // Cognito still has its session (GlobalSignOut leaves it, as on AWS) and answers from it…
      const { callback } = await hostedSingleSignOn(app.url, jar, atCognito);
      // …but the app makes no session of it: back to Cognito, asking for a real sign-in.
      expectRedirect(callback, "/auth/hosted?prompt=login&redirectTo=%2Fdashboard");
      expect(setsSession(callback)).toBe(false);
      expect(jar.session()).toBeNull();
      const restart = expectRedirect(
        await jar.fetch(`${app.url}/auth/hosted?prompt=login&redirectTo=%2Fdashboard`),
        /\/oauth2\/authorize\?/,
      );
      expect(new URL(restart).searchParams.get("prompt")).toBe("login");
      const login = await signInAtCognito(restart, atCognito, user.username, user.password);
      expectRedirect(await jar.fetch(expectRedirect(login, /\/auth\/callback\?/)), "/dashboard");
      expect((await jar.fetch(`${app.url}/dashboard`)).status).toBe(200);
      expect(app.output()).toMatch(/sign-in flow=hosted .*outcome=refused:before-cut-off user=sub:/);
    },
  );

  it("asks once: a Cognito that answers prompt=login from its old session again gets an error page, not a loop", async () => {
    const user = await createUser("sso-cutoff-once");
    const { jar, cognito: atCognito } = await signedInAtCognito(user, 1);
    const admin = await signInWithForm(app.url, ADMIN.username, ADMIN.password);
    expect((await admin.post(`${app.url}/admin`, { email: user.username })).status).toBe(200);

    const restart = expectRedirect(await jar.fetch(`${app.url}/auth/hosted?prompt=login`), /\/oauth2\/authorize\?/);
    // An identity provider that ignores prompt=login: the same request without it.
    const ignoring = new URL(restart);
    ignoring.searchParams.delete("prompt");
    const callbackUrl = expectRedirect(await atCognito.fetch(ignoring.toString()), /\/auth\/callback\?/);
    const callback = await jar.fetch(callbackUrl);
    const location = expectRedirect(callback, "/login?error=ended");
    expect(setsSession(callback)).toBe(false);
    const page = await jar.fetch(`${app.url}${location}`);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain("Please sign in again with your password.");
    // Its way back in is a real sign-in.
    expect(html).toContain('href="/auth/hosted?prompt=login&amp;redirectTo=%2Fdashboard"');
  });

  it("a sign-in through the Hosted UI after the cut-off (a new Cognito session) is not refused", async () => {
    const user = await createUser("sso-after-cutoff");
    const admin = await signInWithForm(app.url, ADMIN.username, ADMIN.password);
    expect((await admin.post(`${app.url}/admin`, { email: user.username })).status).toBe(200);
    // The cut-off counts whole seconds: a sign-in in the next one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { callback, jar } = await hostedSignIn(app.url, user.username, user.password);
    expectRedirect(callback, "/dashboard");
    expect((await jar.fetch(`${app.url}/dashboard`)).status).toBe(200);
  });
});

describe("signing out ends the Hosted UI session, whatever flow made the app's session", () => {
  it("after a Hosted UI sign-in and then a form sign-in in the same browser, the next Hosted UI sign-in asks for the password", async () => {
    const user = await createUser("sso-logout");
    const { jar, cognito: atCognito } = await signedInAtCognito(user, 0);
    // The same browser signs in again with the app's own form (step-up's "sign in again" does that).
    await signInWithForm(app.url, user.username, user.password, jar);
    expect(jar.session()!.flow).toBe("custom");

    const logout = await jar.post(`${app.url}/logout`, {});
    const hostedLogout = new URL(expectRedirect(logout, new RegExp(`^${cognito.url}/logout\\?`)));
    expect(hostedLogout.searchParams.get("client_id")).toBe(app.clientId);
    expect(hostedLogout.searchParams.get("logout_uri")).toBe(`${app.url}/`);
    expect(jar.session()).toBeNull();
    expectRedirect(await atCognito.fetch(hostedLogout.toString()), `${app.url}/`);

    // "Continue with Cognito Hosted UI" on this computer: the password page, not the previous user.
    const start = expectRedirect(await jar.fetch(`${app.url}/auth/hosted`), /\/oauth2\/authorize\?/);
    const page = await atCognito.fetch(start);
    expect(new URL(expectRedirect(page, /\/login\?/), cognito.url).pathname).toBe("/login");
  });
});
