/**
 * Sessions that really end, on one instance with the default in-process registry: a copied
 * cookie is refused once its owner signs out; the session list shows and ends sessions; a
 * password change or reset, "sign out everywhere else" and an admin end the right sessions.
 * Real app (production build), real emulator; fresh users wherever Cognito-wide sign-outs or
 * password changes would disturb other test files.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expectRefreshRefused } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { TEST_CONFIRMATION_CODE } from "../support/global-setup.ts";
import { CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";
import { createUser, type TestUser } from "../support/users.ts";

const ADMIN = { username: "admin@example.com", password: "AdminPassw0rd!" };
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

const app = suiteApp();

/** A jar that sends a browser's User-Agent with every request. */
class Browser extends CookieJar {
  constructor(private readonly userAgent: string) {
    super();
  }
  override fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("User-Agent", this.userAgent);
    return super.fetch(url, { ...init, headers });
  }
  copy(): Browser {
    const copy = new Browser(this.userAgent);
    for (const name of this.names()) copy.set(name, this.get(name)!);
    return copy;
  }
}

async function signIn(user: { username: string; password: string }, userAgent = FIREFOX): Promise<Browser> {
  return (await signInWithForm(app.url, user.username, user.password, new Browser(userAgent))) as Browser;
}

async function expectSignedIn(jar: CookieJar, what: string) {
  const res = await jar.fetch(`${app.url}/dashboard`);
  expect(res.status, `${what}: signed in`).toBe(200);
}

async function expectRefused(jar: CookieJar, what: string) {
  const res = await jar.fetch(`${app.url}/dashboard`);
  expect(res.status, `${what}: refused`).toBe(302);
  expect(res.headers.get("Location"), what).toMatch(/^\/login\?redirectTo=/);
}

/** The session ids listed on /account/sessions, and which one is marked as this device. */
async function listed(jar: CookieJar): Promise<{ html: string; current: number; others: string[] }> {
  const res = await jar.fetch(`${app.url}/account/sessions`);
  expect(res.status).toBe(200);
  const html = await res.text();
  const others = [...html.matchAll(/name="sid" value="([A-Za-z0-9_-]{22})"/g)].map((m) => m[1]!);
  return { html, current: html.split('data-testid="session-current"').length - 1, others };
}

describe("sign-out", () => {
  it("a cookie copied before sign-out is refused after it (and the refresh token is revoked at Cognito)", async () => {
    const user = await createUser("sess-copy");
    const jar = await signIn(user);
    const copy = jar.copy();
    const { refresh } = jar.session()!;
    await expectSignedIn(copy, "the copy before sign-out");

    expectRedirect(await jar.post(`${app.url}/logout`, {}), "/");
    await expectRefused(copy, "the copy after sign-out");
    // A copied cookie is dead for good: no refresh or re-seal can bring it back.
    await expectRefused(copy, "the copy, again");
    await expectRefreshRefused(app.clientId, refresh!);
  });

  it("signing in again gives a new session id (nothing of the old session is reused)", async () => {
    const user = await createUser("sess-new-id");
    const first = await signIn(user);
    const firstSid = first.session()!.sid;
    expectRedirect(await first.post(`${app.url}/logout`, {}), "/");
    const second = await signIn(user);
    expect(second.session()!.sid).not.toBe(firstSid);
    await expectSignedIn(second, "the new session");
  });
});

describe("the session list (/account/sessions)", () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser("sess-list");
  });

  it("lists each session with its device, marks this one, and ends another one", async () => {
    const laptop = await signIn(user, FIREFOX);
    const phone = await signIn(user, IPHONE);
    const fromLaptop = await listed(laptop);
    expect(fromLaptop.current).toBe(1);
    expect(fromLaptop.html).toContain("Firefox 128 on Linux");
    expect(fromLaptop.html).toContain("Safari 18 on iOS 18.1");
    expect(fromLaptop.html).toContain("127.0.0.0/24");
    expect(fromLaptop.html).toContain("this site&#x27;s sign-in form");
    const phoneSid = phone.session()!.sid;
    expect(fromLaptop.others).toContain(phoneSid);
    expect(fromLaptop.others).not.toContain(laptop.session()!.sid);

    expectRedirect(
      await laptop.post(`${app.url}/account/sessions`, { intent: "end", sid: phoneSid }),
      "/account/sessions?notice=ended",
    );
    await expectRefused(phone, "the phone after the laptop ended it");
    await expectSignedIn(laptop, "the laptop");
    expect((await listed(laptop)).others).not.toContain(phoneSid);
  });

  it("refuses to end a session that is not in the user's list, or this one, or garbage — changing nothing", async () => {
    const mine = await signIn(user);
    const other = await signIn(await createUser("sess-other"));
    const cases: [Record<string, string>, RegExp][] = [
      [{ intent: "end", sid: other.session()!.sid }, /not in your list/],
      [{ intent: "end", sid: mine.session()!.sid }, /sign out/],
      [{ intent: "end", sid: "not-a-session-id" }, /.+/],
      [{ intent: "end" }, /.+/],
      [{ intent: "bogus" }, /.+/],
    ];
    for (const [form, message] of cases) {
      const res = await mine.post(`${app.url}/account/sessions`, form);
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(await res.text()).toMatch(message);
    }
    await expectSignedIn(other, "the other user's session");
    await expectSignedIn(mine, "this session");
  });

  it("is for signed-in users only", async () => {
    const res = await new CookieJar().fetch(`${app.url}/account/sessions`);
    expectRedirect(res, /^\/login\?redirectTo=%2Faccount%2Fsessions/);
  });
});

describe("security events end other sessions", () => {
  it("a password change ends the user's other sessions and copies of this cookie; this one goes on", async () => {
    const user = await createUser("sess-pw");
    const here = await signIn(user);
    const elsewhere = await signIn(user, IPHONE);
    const copyOfHere = here.copy();
    const res = await here.post(`${app.url}/account/password`, {
      current: user.password,
      password: "NewPassw0rd!x",
      confirm: "NewPassw0rd!x",
    });
    expectRedirect(res, "/account?notice=password-changed");
    const account = await here.fetch(`${app.url}/account?notice=password-changed`);
    expect(await account.text()).toContain("Your password has been changed. Your other sessions were signed out.");
    await expectSignedIn(here, "this session, under its new id");
    await expectRefused(elsewhere, "the other device");
    await expectRefused(copyOfHere, "a copy of this cookie from before the change");
  });

  it("a password reset ends every session of the account", async () => {
    const user = await createUser("sess-reset");
    const signedIn = await signIn(user);
    const anon = new CookieJar();
    expectRedirect(await anon.post(`${app.url}/forgot-password`, { username: user.username }), /reset-password/);
    const res = await anon.post(`${app.url}/reset-password`, {
      username: user.username,
      code: TEST_CONFIRMATION_CODE,
      password: "ResetPassw0rd!x",
      confirm: "ResetPassw0rd!x",
    });
    expectRedirect(res, "/login?notice=password-reset");
    await expectRefused(signedIn, "the session from before the reset");
    await signIn({ username: user.username, password: "ResetPassw0rd!x" });
  });

  it('"sign out everywhere else" ends every other session, at Cognito too, and this device signs in again', async () => {
    const user = await createUser("sess-everywhere");
    const here = await signIn(user);
    const elsewhere = await signIn(user, IPHONE);
    const refreshElsewhere = elsewhere.session()!.refresh!;
    const copyOfHere = here.copy();
    const res = await here.post(`${app.url}/account/sessions`, { intent: "end-others" });
    expectRedirect(res, "/login?redirectTo=%2Faccount%2Fsessions&notice=signed-out-everywhere");
    expect(here.session(), "this device's cookie is cleared").toBeNull();
    await expectRefused(elsewhere, "the other device");
    await expectRefused(copyOfHere, "a copy of this device's cookie");
    await expectRefreshRefused(app.clientId, refreshElsewhere);
    const login = await here.fetch(`${app.url}/login?redirectTo=%2Faccount%2Fsessions&notice=signed-out-everywhere`);
    expect(await login.text()).toContain("signed out on every device");
    // Signing in again works, and lands on the list with only this device in it.
    const again = await here.post(`${app.url}/login?redirectTo=%2Faccount%2Fsessions`, {
      username: user.username,
      password: user.password,
      redirectTo: "/account/sessions",
    });
    expectRedirect(again, "/account/sessions");
    expect((await listed(here)).others).toEqual([]);
  });

  it("an admin ends every session of a user (the app's revocation and AdminUserGlobalSignOut)", async () => {
    const user = await createUser("sess-admin");
    const victim = await signIn(user);
    const refresh = victim.session()!.refresh!;
    const admin = await signIn(ADMIN);
    const res = await admin.post(`${app.url}/admin`, { email: user.username });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`Every session of ${user.username} in this app has ended`);
    await expectRefused(victim, "the user's session");
    await expectRefreshRefused(app.clientId, refresh);
    await expectSignedIn(admin, "the admin");
  });

  it("only admins can end other users' sessions; an unknown email says so", async () => {
    const user = await createUser("sess-not-admin");
    const other = await signIn(await createUser("sess-target"));
    const mere = await signIn(user);
    expect((await mere.post(`${app.url}/admin`, { email: "admin@example.com" })).status).toBe(403);
    await expectSignedIn(other, "untouched");
    const admin = await signIn(ADMIN);
    const res = await admin.post(`${app.url}/admin`, { email: "nobody-here@example.com" });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("No user with that email");
  });
});

describe("/healthz", () => {
  it("reports the session registry", async () => {
    const health = (await (await fetch(`${app.url}/healthz`)).json()) as { sessions: Record<string, unknown> };
    expect(health.sessions).toMatchObject({ kind: "memory", connected: true, replicaLoaded: true });
    expect(health.sessions.revocations).toEqual(expect.any(Number));
  });
});
