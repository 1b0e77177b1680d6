/**
 * Two app instances (two production server processes) sharing one real redis-server and the
 * run's emulator, as behind a load balancer: a sign-out on A refuses the copied cookie on B
 * within a second; "sign out everywhere else" on A ends the session on B; the device list is
 * shared; with Redis killed both keep serving and old revocations hold; once it is back (empty),
 * writes queued meanwhile flow again. Deadlines are polled, never slept.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../support/app.ts";
import { CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";
import { startRedis, type TestRedis } from "../support/redis";
import { createUser } from "../support/users.ts";

const FAILURE_LIMIT = 6;
let redis: TestRedis;
let a: RunningApp;
let b: RunningApp;

beforeAll(async () => {
  redis = await startRedis();
  // Failures per account and address are counted in Redis too: a low limit shows they add up.
  const env = { REDIS_URL: redis.url, RATE_LIMIT_CONSECUTIVE_FAILURES: String(FAILURE_LIMIT) };
  a = await startApp({ env });
  b = await startApp({ env: { ...env, COGNITO_CLIENT_ID: a.clientId } });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await redis?.dispose();
});

async function status(app: RunningApp, jar: CookieJar): Promise<number> {
  // A copy per probe: a refusal clears the jar's cookies, and we want to keep probing the same bytes.
  return (await jar.clone().fetch(`${app.url}/dashboard`)).status;
}

/** Polls until `app` refuses `jar` (302 to sign in); returns how long that took. */
async function refusedWithin(app: RunningApp, jar: CookieJar, deadlineMs: number, what: string): Promise<number> {
  const start = Date.now();
  for (;;) {
    const code = await status(app, jar);
    if (code === 302) return Date.now() - start;
    expect(code, what).toBe(200);
    if (Date.now() - start > deadlineMs) throw new Error(`${what}: still accepted after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function health(app: RunningApp) {
  return ((await (await fetch(`${app.url}/healthz`)).json()) as { sessions: Record<string, unknown> }).sessions;
}

describe("two instances, one Redis", () => {
  it("both use the shared store", async () => {
    expect(await health(a)).toMatchObject({ kind: "redis", connected: true, replicaLoaded: true });
    expect(await health(b)).toMatchObject({ kind: "redis", connected: true, replicaLoaded: true });
  });

  it("a sign-out on A refuses the copied cookie on B within a second", async () => {
    const user = await createUser("two-signout");
    const jar = await signInWithForm(a.url, user.username, user.password);
    const copy = jar.clone();
    expect(await status(b, copy), "the copy works on B before the sign-out").toBe(200);
    expectRedirect(await jar.post(`${a.url}/logout`, {}), "/");
    const took = await refusedWithin(b, copy, 1_000, "the copy on B");
    expect(took).toBeLessThan(1_000);
    expect(await status(a, copy)).toBe(302);
  });

  it('"sign out everywhere else" on A ends the session on B; the device list is shared', async () => {
    const user = await createUser("two-everywhere");
    const onA = await signInWithForm(a.url, user.username, user.password);
    const onB = await signInWithForm(b.url, user.username, user.password);
    // B registers its session in the background after answering the sign-in: A's list shows it within a second.
    const deadline = Date.now() + 1_000;
    let list = "";
    do {
      list = await (await onA.fetch(`${a.url}/account/sessions`)).text();
    } while (!list.includes(`value="${onB.session()!.sid}"`) && Date.now() < deadline);
    expect(list).toContain(`value="${onB.session()!.sid}"`);

    const res = await onA.post(`${a.url}/account/sessions`, { intent: "end-others" });
    expectRedirect(res, /^\/login\?redirectTo=%2Faccount%2Fsessions/);
    await refusedWithin(b, onB, 1_000, "B's session after 'everywhere' on A");
  });

  it("rate-limit failures on A and B add up (counted in the shared Redis)", async () => {
    const user = await createUser("two-limits");
    const attempt = (app: RunningApp, password: string) =>
      new CookieJar().post(`${app.url}/login`, { username: user.username, password });
    for (let i = 0; i < FAILURE_LIMIT / 2; i++) {
      expect((await attempt(a, "Wrong-Passw0rd!")).status, `failure ${i + 1} on A`).toBe(401);
      expect((await attempt(b, "Wrong-Passw0rd!")).status, `failure ${i + 1} on B`).toBe(401);
    }
    // Neither instance alone has seen the limit; together they have: blocked on both, even for the right password.
    for (const app of [a, b]) {
      const res = await attempt(app, user.password);
      expect(res.status).toBe(429);
      expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
    }
  });

  it("Redis down: both keep serving and old revocations hold; back (empty): queued writes flow again", async () => {
    const user = await createUser("two-outage");
    const revoked = await signInWithForm(a.url, user.username, user.password);
    const revokedCopy = revoked.clone();
    expectRedirect(await revoked.post(`${a.url}/logout`, {}), "/");
    await refusedWithin(b, revokedCopy, 1_000, "revoked before the outage");
    const live = await signInWithForm(a.url, user.username, user.password);
    const liveCopy = live.clone();

    await redis.stop("SIGKILL");
    const deadline = Date.now() + 10_000;
    while ((await health(a)).connected || (await health(b)).connected) {
      if (Date.now() > deadline) throw new Error("the instances did not notice the outage");
      await new Promise((r) => setTimeout(r, 50));
    }
    // Serving: existing sessions on both, a new sign-in, the old revocation still refused.
    expect(await status(a, live)).toBe(200);
    expect(await status(b, live)).toBe(200);
    await signInWithForm(b.url, user.username, user.password);
    expect(await status(a, revokedCopy)).toBe(302);
    expect(await status(b, revokedCopy)).toBe(302);

    // A sign-out during the outage: refused on A at once, queued for the others.
    expectRedirect(await live.post(`${a.url}/logout`, {}), "/");
    expect(await status(a, liveCopy)).toBe(302);
    expect((await health(a)).pendingWrites).toBeGreaterThan(0);

    await redis.start();
    await refusedWithin(b, liveCopy, 10_000, "the sign-out made during the outage, on B after Redis is back");
    const back = Date.now() + 10_000;
    while (!((await health(a)).connected && (await health(a)).pendingWrites === 0)) {
      if (Date.now() > back) throw new Error("A's queued writes did not drain");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await status(b, revokedCopy), "the old revocation still holds after the empty restart").toBe(302);
  });
});
