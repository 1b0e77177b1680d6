/**
 * `npm run load`: many signed-in people at once, bounded, on loopback.
 *
 * Starts everything itself — a fresh cognito-local (free port, temp data
 * directory, seeded) and the production build under `node server/index.js` (as `npm start`) — creates
 * the users, signs SESSIONS of them in through the app's form, then runs
 * ROUNDS rounds in which every session loads /dashboard REQUESTS_PER_SESSION
 * times while SIGN_INS other people sign in through the form at the same time.
 *
 * Checks, and exits 1 when any fails:
 *   - 0 errors: every /dashboard answer is 200, every sign-in a 302 to /dashboard with a cookie;
 *   - 0 lost sessions: every /dashboard page shows that session's own email (no cross-talk);
 *   - flat memory: after round 1 has grown the app to its working size, later
 *     rounds of the same work leave no more memory in use (measured after a full
 *     GC in the app, through a probe preloaded with --expose-gc; raw RSS from
 *     /proc/<pid>/status is printed too).
 * Bounded in count (no open-ended loops) and in time (HARD_TIMEOUT_MS).
 * Prints the figures; `LOAD_ROUNDS=6 npm run load` runs more rounds.
 *
 * `npm run load -- --instances 2 --redis`: that many app processes behind no
 * balancer at all — every session's requests rotate over the instances, and
 * each new sign-in is checked on another instance than the one it signed in on
 * — sharing one fresh redis-server (REDIS_URL), as several instances behind a
 * load balancer would. Then a few sessions sign out on instance 1 and their
 * cookies must be refused on instance 2 within a second. Memory is judged on
 * instance 1.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { freePort } from "../cognito-local/free-port.ts";
import { type RunningEmulator, startEmulator } from "../cognito-local/launcher.ts";
import { ensureBuild, type MemoryAfterGc, type Server, startServer } from "./lib/load/server.ts";
import { type DashboardSample, dashboard, percentile, type Sample, type Session, signIn } from "./lib/load/sessions.ts";
import { createUsers, type LoadUser } from "./lib/load/users.ts";
import { type RunningRedis, startRedis } from "./lib/redis.ts";
import { seed } from "./lib/seed.ts";

const SESSIONS = 100;
const REQUESTS_PER_SESSION = 20;
const SIGN_INS = 20;
/** Round 1 also warms up (memory grows to its working size); the later rounds show whether it keeps growing. `LOAD_ROUNDS` for more. */
const ROUNDS = Math.max(3, Number(process.env.LOAD_ROUNDS ?? 3));
/**
 * After a full GC, a later round may leave at most this much more in use than
 * round 1 did, in the JS heap and in buffers outside it (a leak of 8 KB per
 * request would exceed it by round 3)…
 */
const MAX_HEAP_GROWTH_BYTES = 16 * 2 ** 20;
/**
 * …and at most this multiple of its RSS. A coarse backstop for native leaks:
 * glibc keeps per-thread arenas (zlib runs on the libuv pool for the response
 * compression), so RSS keeps creeping for a few rounds before it levels off.
 */
const MAX_RSS_GROWTH_RATIO = 1.5;

/** Sessions that sign out on instance 1 at the end, whose cookies instance 2 must then refuse… */
const SIGN_OUTS = 10;
/** …within this long (pub/sub through Redis). */
const REVOCATION_DEADLINE_MS = 1_000;

function parseArgs(argv: string[]): { instances: number; redis: boolean } {
  let instances = 1;
  let redis = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--redis") redis = true;
    else if (argv[i] === "--instances") instances = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (expected --instances N, --redis)`);
  }
  if (!Number.isInteger(instances) || instances < 1 || instances > 4) throw new Error("--instances: 1 to 4");
  if (instances > 1 && !redis) throw new Error("--instances > 1 needs --redis (sessions must be shared)");
  return { instances, redis };
}
const ARGS = parseArgs(process.argv.slice(2));
/** Per instance: several instances on the same cores do the same work with more processes. */
const HARD_TIMEOUT_MS = 120_000 * ARGS.instances;

const log = (line: string) => console.log(`[load] ${line}`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

interface RoundResult {
  dashboard: DashboardSample[];
  signIns: Sample[];
  /** One /dashboard per new sign-in: the new session must be the right person too. */
  newSessions: DashboardSample[];
  seconds: number;
  rssAfter: number;
  rssPeak: number;
  afterGc: MemoryAfterGc;
}

async function round(servers: Server[], sessions: Session[], signers: LoadUser[]): Promise<RoundResult> {
  const appServer = servers[0]!;
  const on = (i: number) => servers[i % servers.length]!.url;
  const started = performance.now();
  let rssPeak = appServer.rss();
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, appServer.rss())), 200);
  // With several instances every session's requests rotate over them.
  const browsing = sessions.map(async (session, s) => {
    const samples: DashboardSample[] = [];
    for (let i = 0; i < REQUESTS_PER_SESSION; i++) samples.push(await dashboard(on(s + i), session));
    return samples;
  });
  const signingIn = signers.map(async (user, k) => {
    const result = await signIn(on(k), user.email, user.password);
    const check = result.session ? await dashboard(on(k + 1), result.session) : undefined;
    return { result, check };
  });
  const [browsed, signedIn] = await Promise.all([Promise.all(browsing), Promise.all(signingIn)]);
  clearInterval(sampler);
  const rssAfter = appServer.rss();
  const afterGc = await appServer.memoryAfterGc();
  return {
    afterGc,
    dashboard: browsed.flat(),
    signIns: signedIn.map((s) => s.result),
    newSessions: signedIn.flatMap((s) => (s.check ? [s.check] : [])),
    seconds: (performance.now() - started) / 1000,
    rssAfter,
    rssPeak: Math.max(rssPeak, rssAfter),
  };
}

async function main(): Promise<number> {
  const started = performance.now();
  let emulator: RunningEmulator | undefined;
  let redis: RunningRedis | undefined;
  const servers: Server[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-load-"));
  const cleanup = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.dispose();
    await emulator?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  // However the run ends (Ctrl-C, hard timeout), take the children and the data directory with it.
  process.on("exit", () => fs.rmSync(dataDir, { recursive: true, force: true }));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  const hardTimeout = setTimeout(() => {
    console.error(`[load] FAILED: hard timeout (${HARD_TIMEOUT_MS / 1000} s) reached`);
    process.exit(1);
  }, HARD_TIMEOUT_MS);

  try {
    log(`build: ${ensureBuild()}`);
    emulator = await startEmulator({ dataDir, port: await freePort() });
    const seeded = await seed({ endpoint: emulator.url, totpSecretsFile: path.join(dataDir, "totp-secrets.json") });
    const admin = new CognitoIdentityProviderClient({
      endpoint: emulator.url,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    if (ARGS.redis) redis = await startRedis();
    const appEnv: Record<string, string> = {
      SESSION_SECRET: crypto.randomBytes(32).toString("base64url"),
      COGNITO_REGION: "us-east-1",
      COGNITO_USER_POOL_ID: seeded.userPoolId,
      COGNITO_CLIENT_ID: seeded.clients.web.clientId,
      COGNITO_ENDPOINT: emulator.url,
      ...(redis ? { REDIS_URL: redis.url } : {}),
    };
    for (let i = 0; i < ARGS.instances; i++) servers.push(await startServer(await freePort(), appEnv));
    const appServer = servers[0]!;
    const on = (i: number) => servers[i % servers.length]!.url;
    const rssAtStart = appServer.rss();
    log(
      `emulator ${emulator.url}; ${redis ? `redis-server ${redis.url}; ` : ""}` +
        servers.map((s, i) => `app ${i + 1} ${s.url} (pid ${s.pid})`).join(", ") +
        `; RSS ${mib(rssAtStart)} at start`,
    );

    const t0 = performance.now();
    const users = await createUsers(admin, seeded.userPoolId, SESSIONS + SIGN_INS);
    log(`created ${users.length} users in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const browsers = users.slice(0, SESSIONS);
    const signers = users.slice(SESSIONS);

    // Sign the browsing sessions in through the form, 20 at a time.
    const t1 = performance.now();
    const setup: (Sample & { session?: Session })[] = [];
    for (let i = 0; i < browsers.length; i += 20) {
      setup.push(
        ...(await Promise.all(browsers.slice(i, i + 20).map((u, j) => signIn(on(i + j), u.email, u.password)))),
      );
    }
    const sessions = setup.flatMap((s) => (s.session ? [s.session] : []));
    const setupFailures = setup.filter((s) => !s.ok);
    log(
      `signed in ${sessions.length}/${browsers.length} sessions in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    if (setupFailures.length > 0) {
      for (const f of setupFailures.slice(0, 5)) log(`  ${f.problem}`);
      throw new Error(`${setupFailures.length} of ${browsers.length} set-up sign-ins failed`);
    }

    // Each session checked once before the load.
    const warm = await Promise.all(sessions.map((s, i) => dashboard(on(i + 1), s)));
    const warmBad = warm.filter((s) => !s.ok || s.lost);
    if (warmBad.length > 0)
      throw new Error(`before the load: ${warmBad.length} bad pages, first: ${warmBad[0]!.problem}`);
    const rssBefore = appServer.rss();
    const gcBefore = await appServer.memoryAfterGc();

    const rounds: RoundResult[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      log(
        `round ${r}/${ROUNDS}: ${SESSIONS} sessions × ${REQUESTS_PER_SESSION} × /dashboard, with ${SIGN_INS} concurrent form sign-ins…`,
      );
      rounds.push(await round(servers, sessions, signers));
    }

    // Several instances: a sign-out on instance 1 must reach instance 2 within the deadline.
    const revocation = servers.length > 1 ? await signOutsAcross(servers, sessions.slice(0, SIGN_OUTS)) : undefined;

    // --- figures
    const allDashboard = rounds.flatMap((r) => [...r.dashboard, ...r.newSessions]);
    const allSignIns = rounds.flatMap((r) => r.signIns);
    const errors = [...allDashboard, ...allSignIns, ...(revocation?.samples ?? [])].filter((s) => !s.ok);
    const lostResponses = allDashboard.filter((s) => s.lost);
    const crossed = allDashboard.filter((s) => s.crossed).length;
    // Sessions that had at least one page not showing them.
    const lostSessions = new Set(lostResponses.map((s) => s.email));

    // Memory: round 1 grows the heap to its working size (JIT code, buffers for
    // ~120 concurrent connections); what matters is that the later rounds, doing
    // the same work again, leave no more behind than round 1 did. Judged after
    // a full GC in the app (raw RSS is printed too, but glibc and V8 keep freed
    // pages, so it mostly shows the high-water mark).
    const baseline = rounds[0]!.afterGc;
    const measured = rounds.slice(1);
    const heapGrowth = measured.map((r) => r.afterGc.heapUsed - baseline.heapUsed);
    const externalGrowth = measured.map((r) => r.afterGc.external - baseline.external);
    const rssGrowth = measured.map((r) => r.afterGc.rss / baseline.rss);
    const memoryFlat =
      heapGrowth.every((g) => g <= MAX_HEAP_GROWTH_BYTES) &&
      externalGrowth.every((g) => g <= MAX_HEAP_GROWTH_BYTES) &&
      rssGrowth.every((g) => g <= MAX_RSS_GROWTH_RATIO);
    const signed = (bytes: number) => `${bytes >= 0 ? "+" : ""}${mib(bytes)}`;

    console.log("");
    log(
      `requests:        ${allDashboard.length} × /dashboard + ${allSignIns.length} form sign-ins in ${ROUNDS} rounds (${SESSIONS} sessions, ${SIGN_INS} sign-ins per round)`,
    );
    for (const [i, r] of rounds.entries()) {
      const rps = (r.dashboard.length + r.signIns.length + r.newSessions.length) / r.seconds;
      log(
        `  round ${i + 1}: ${r.seconds.toFixed(1)} s, ${rps.toFixed(0)} req/s; /dashboard p50 ${ms(
          percentile(
            r.dashboard.map((s) => s.ms),
            50,
          ),
        )}, ` +
          `p99 ${ms(
            percentile(
              r.dashboard.map((s) => s.ms),
              99,
            ),
          )}; sign-in p50 ${ms(
            percentile(
              r.signIns.map((s) => s.ms),
              50,
            ),
          )}, ` +
          `p99 ${ms(
            percentile(
              r.signIns.map((s) => s.ms),
              99,
            ),
          )}`,
      );
    }
    log(
      `latency:         /dashboard p50 ${ms(
        percentile(
          allDashboard.map((s) => s.ms),
          50,
        ),
      )}, p99 ${ms(
        percentile(
          allDashboard.map((s) => s.ms),
          99,
        ),
      )}, max ${ms(Math.max(...allDashboard.map((s) => s.ms)))}`,
    );
    log(
      `                 sign-in    p50 ${ms(
        percentile(
          allSignIns.map((s) => s.ms),
          50,
        ),
      )}, p99 ${ms(
        percentile(
          allSignIns.map((s) => s.ms),
          99,
        ),
      )}, max ${ms(Math.max(...allSignIns.map((s) => s.ms)))}`,
    );
    if (revocation) {
      log(
        `revocation:      ${revocation.samples.filter((s) => s.ok).length}/${revocation.samples.length} sign-outs on instance 1 refused on instance 2, ` +
          `slowest after ${ms(Math.max(...revocation.samples.map((s) => s.ms)))} (deadline ${REVOCATION_DEADLINE_MS} ms)`,
      );
    }
    log(`errors:          ${errors.length}`);
    log(
      `lost sessions:   ${lostSessions.size} (${lostResponses.length} pages not showing their own user, ${crossed} showing another user)`,
    );
    log(
      `app RSS (raw):   ${mib(rssAtStart)} at start, ${mib(rssBefore)} before round 1, ` +
        rounds.map((r, i) => `${mib(r.rssAfter)} after round ${i + 1} (peak ${mib(r.rssPeak)})`).join(", "),
    );
    log(
      `after a full GC: heap used ${mib(gcBefore.heapUsed)} before round 1, ` +
        rounds.map((r, i) => `${mib(r.afterGc.heapUsed)} after round ${i + 1}`).join(", ") +
        `; external ${mib(gcBefore.external)} before round 1, ` +
        rounds.map((r, i) => `${mib(r.afterGc.external)} after round ${i + 1}`).join(", ") +
        `; RSS ${mib(gcBefore.rss)} before round 1, ` +
        rounds.map((r, i) => `${mib(r.afterGc.rss)} after round ${i + 1}`).join(", "),
    );
    log(
      `memory:          rounds 2–${ROUNDS} vs round 1, after GC: heap ${heapGrowth.map(signed).join(", ")}, ` +
        `external ${externalGrowth.map(signed).join(", ")}, RSS ${rssGrowth.map((g) => `${g.toFixed(2)}×`).join(", ")} — ` +
        `${memoryFlat ? "flat" : "GROWING"} (limits: heap and external ≤ ${signed(MAX_HEAP_GROWTH_BYTES)}, RSS ≤ ${MAX_RSS_GROWTH_RATIO}×)`,
    );
    for (const problem of [...errors, ...lostResponses].slice(0, 10)) log(`  ${problem.problem}`);

    const failed: string[] = [];
    if (errors.length > 0) failed.push(`${errors.length} errors`);
    if (lostSessions.size > 0) failed.push(`${lostSessions.size} lost sessions`);
    if (!memoryFlat) failed.push("memory keeps growing");
    const seconds = (performance.now() - started) / 1000;
    if (failed.length > 0) {
      console.error(`[load] FAILED in ${seconds.toFixed(1)} s: ${failed.join(", ")}`);
      return 1;
    }
    log(`PASS in ${seconds.toFixed(1)} s: 0 errors, 0 lost sessions, memory flat`);
    return 0;
  } finally {
    clearTimeout(hardTimeout);
    await cleanup();
  }
}

/**
 * Signs each session out on instance 1, then polls instance 2 with the same cookie until it is
 * refused (302 to sign in), at most REVOCATION_DEADLINE_MS each. A session still accepted is an error.
 */
async function signOutsAcross(servers: Server[], sessions: Session[]): Promise<{ samples: Sample[] }> {
  const [first, second] = [servers[0]!.url, servers[1]!.url];
  const samples = await Promise.all(
    sessions.map(async (session): Promise<Sample> => {
      const out = await fetch(`${first}/logout`, {
        method: "POST",
        headers: { Cookie: session.cookie, Origin: first, "Content-Type": "application/x-www-form-urlencoded" },
        redirect: "manual",
        body: "",
      });
      await out.arrayBuffer();
      if (out.status !== 302) return { ms: 0, ok: false, problem: `sign-out ${session.email}: ${out.status}` };
      const started = performance.now();
      for (let attempt = 0; attempt < 1_000; attempt++) {
        const res = await fetch(`${second}/dashboard`, { headers: { Cookie: session.cookie }, redirect: "manual" });
        await res.arrayBuffer();
        const elapsed = performance.now() - started;
        if (res.status === 302 && (res.headers.get("Location") ?? "").startsWith("/login"))
          return { ms: elapsed, ok: true };
        if (elapsed > REVOCATION_DEADLINE_MS) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      const ms = performance.now() - started;
      return {
        ms,
        ok: false,
        problem: `${session.email}: still accepted on instance 2 ${ms.toFixed(0)} ms after signing out on 1`,
      };
    }),
  );
  return { samples };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[load] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
