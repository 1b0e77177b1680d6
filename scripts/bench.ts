/**
 * `npm run bench`: what auth costs, measured side by side in one run.
 *
 * Starts everything itself — a fresh cognito-local (free port, temp data dir,
 * seeded), a counting proxy in front of it for the Hosted UI, and the
 * production build under `node server/index.js` (as `npm start`) with BENCH_ROUTES=1 — then measures
 * each pair alternately after a warm-up, prints a table with ratios and
 * PASS/MISS, and writes bench-results.json. Exits 0 whenever it ran: a miss is
 * a finding, not a crash. See docs/benchmarks.md for how to read it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type AppProcess, ensureBuild } from "./lib/app-process.ts";
import { sealAwsSizeSession, sizesOf } from "./lib/bench/cookie-sizes.ts";
import { hostedSignIn } from "./lib/bench/hosted.ts";
import { alternate, type LoadRound, loadRound } from "./lib/bench/load.ts";
import { formatTable, machine, type Row } from "./lib/bench/report.ts";
import { bareInitiateAuth, formSignIn, measureSignInLatency } from "./lib/bench/sign-in.ts";
import { type Stack, startStack } from "./lib/bench/stack.ts";
import { fixed, round } from "./lib/bench/stats.ts";
import { measureVerification } from "./lib/bench/verify.ts";
import { ROOT } from "./lib/root.ts";
import { SEED_USERS } from "./lib/seed.ts";

/** Knobs, sized so the whole run stays well under 3 minutes on 2 cores. */
const PLAN = {
  // 4 rounds: A B, B A, A B, B A — each side goes first equally often.
  load: { connections: 10, warmupSeconds: 3, roundSeconds: 5, rounds: 4 },
  signIn: { warmup: 10, rounds: 4, perRound: 40 },
  verify: { rounds: 15, iterations: 1000 },
  hostedRuns: 3,
  /** How long the app may idle after the load for its memory to come back. */
  settleSeconds: 45,
};
const RSS_TARGET = 1.2;
const COOKIE_LIMIT = 4096;
const DEMO = { username: SEED_USERS[0]!.email, password: SEED_USERS[0]!.password };
const RESULTS_FILE = path.join(ROOT, "bench-results.json");

/** `npm run bench -- --profile`: CPU-profile the app (a .cpuprofile per run, for Chrome DevTools or speedscope). */
const PROFILE_DIR = process.argv.includes("--profile")
  ? fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-bench-profile-"))
  : undefined;

const log = (line: string) => console.log(`[bench] ${line}`);
const mib = (bytes: number) => bytes / 2 ** 20;

async function main(): Promise<void> {
  const started = performance.now();
  // Ctrl-C: let the exit hooks take the children down (they run on process.exit, not on a signal).
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  let stack: Stack | undefined;

  try {
    const loadBefore = os.loadavg()[0]!;
    if (loadBefore > os.availableParallelism() / 2) {
      log(
        `warning: load average ${fixed(loadBefore, 2)} on ${os.availableParallelism()} CPUs — other work will skew the figures`,
      );
    }
    log(`build: ${ensureBuild()}`);
    stack = await startStack({ nodeArgs: PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [] });
    const { app, proxy, cognito, clientId, settings, sessionSecret } = stack;
    const appUrl = app.url;
    log(`emulator ${stack.emulator.url}, Hosted UI via counting proxy ${proxy.url}`);
    const rssAtStart = app.rss();
    log(`app ${appUrl}: ${app.server} (pid ${app.pid}, RSS ${fixed(mib(rssAtStart))} MiB at start)`);

    // --- one of each, checked: a form sign-in, the pages, Hosted UI sign-ins
    const form = await formSignIn(appUrl, DEMO);
    const sessionCookie = form.jar.header();
    const dashboard = await form.jar.fetch(`${appUrl}/dashboard`);
    const dashboardHtml = await dashboard.text();
    if (dashboard.status !== 200 || !dashboardHtml.includes(`data-testid="email">${DEMO.username}<`)) {
      throw new Error(`/dashboard with the session answered ${dashboard.status}, not the demo user's page`);
    }
    const benchPage = await fetch(`${appUrl}/bench/dashboard`);
    if (benchPage.status !== 200 || !(await benchPage.text()).includes('data-testid="email">')) {
      throw new Error(`/bench/dashboard answered ${benchPage.status} (is BENCH_ROUTES honoured?)`);
    }
    const emulatorCookies = sizesOf(form.setCookies);

    const hosted: { hops: number; requests: number; tokenCalls: number; sequence: string[] }[] = [];
    for (let i = 0; i < PLAN.hostedRuns; i++) {
      const tokenCallsBefore = proxy.count("POST /oauth2/token");
      const run = await hostedSignIn(appUrl, DEMO);
      if (!run.html.includes(`data-testid="flow">Cognito Hosted UI<`))
        throw new Error("Hosted UI sign-in did not land signed in");
      hosted.push({
        // Every request after GET /auth/hosted, up to and including the one that lands on /dashboard.
        hops: run.requests.length - 1,
        requests: run.requests.length,
        tokenCalls: proxy.count("POST /oauth2/token") - tokenCallsBefore,
        sequence: run.requests.map((r) => `${r.method} ${r.side} ${new URL(r.url).pathname} → ${r.status}`),
      });
    }
    log(`checked: form sign-in, /dashboard, /bench/dashboard, ${PLAN.hostedRuns} Hosted UI sign-ins`);

    // --- memory before any load
    const rssBefore = app.rss();

    // --- custom-form sign-in vs bare InitiateAuth (one at a time, alternating)
    log(`sign-in latency: ${PLAN.signIn.rounds} rounds × ${PLAN.signIn.perRound} per side…`);
    const signIn = await measureSignInLatency({
      appUrl,
      client: cognito,
      clientId,
      credentials: DEMO,
      ...PLAN.signIn,
    });

    // A real emulator access token, for the verification measurement below.
    const { tokens } = await bareInitiateAuth(cognito, clientId, DEMO);

    // --- /dashboard vs /bench/dashboard under load (alternating rounds after a warm-up)
    const { connections, warmupSeconds, roundSeconds, rounds } = PLAN.load;
    log(
      `load: warm-up ${warmupSeconds} s per side, then ${rounds} rounds × ${roundSeconds} s per side, ${connections} connections…`,
    );
    const serverCpuMs = app.cpuMs;
    // The bypassed side sends no cookie: with one, the root loader would check the session there too.
    const withSession = (seconds: number) =>
      loadRound({ url: `${appUrl}/dashboard`, seconds, connections, headers: { Cookie: sessionCookie }, serverCpuMs });
    const bypassed = (seconds: number) =>
      loadRound({ url: `${appUrl}/bench/dashboard`, seconds, connections, serverCpuMs });
    await withSession(warmupSeconds);
    await bypassed(warmupSeconds);
    const rssAfterWarmup = app.rss();
    const rssDuring: number[] = [];
    const load = await alternate(
      rounds,
      () => withSession(roundSeconds),
      () => bypassed(roundSeconds),
      () => rssDuring.push(app.rss()),
    );
    const rssAfter = app.rss();

    // --- while the app idles: does its memory come back? (V8 gives heap back
    // only when its memory reducer runs, some seconds after allocation stops.)
    // Meanwhile, the in-process measurements, which leave the app alone.
    const settling = settleRss(app, rssBefore * RSS_TARGET, PLAN.settleSeconds);
    log(
      `token verification: ${PLAN.verify.rounds} rounds × ${PLAN.verify.iterations} per side (the app idles, up to ${PLAN.settleSeconds} s)…`,
    );
    const verify = await measureVerification(settings, tokens.AccessToken!, PLAN.verify);
    const aws = sealAwsSizeSession(form.setCookies[0]!, sessionSecret);
    const settled = await settling;

    // --- JWKS fetches over the whole run, as the app counts them
    const health = (await (await fetch(`${appUrl}/healthz`)).json()) as { jwks?: { fetches?: number } };
    const jwksFetches = health.jwks?.fetches ?? NaN;

    // --- the table
    const rate = (r: LoadRound[]) => r.reduce((a, x) => a + x.requests, 0) / r.reduce((a, x) => a + x.seconds, 0);
    const bad = (r: LoadRound[]) => r.reduce((a, x) => a + x.non2xx + x.errors, 0);
    const cpuPerRequest = (r: LoadRound[]) =>
      r.reduce((a, x) => a + (x.cpuUsPerRequest ?? NaN) * x.requests, 0) / r.reduce((a, x) => a + x.requests, 0);
    const dashRps = rate(load.a);
    const benchRps = rate(load.b);
    const hostedHops = Math.max(...hosted.map((h) => h.hops));
    const hostedTokenCalls = Math.max(...hosted.map((h) => h.tokenCalls));
    const allCookieBytes = [...emulatorCookies.setCookieBytes, ...aws.setCookieBytes];
    const rows: Row[] = [
      {
        measure: "/dashboard req/s (valid session)",
        figure: `${fixed(dashRps, 0)} req/s`,
        compared: `${fixed(benchRps, 0)} req/s auth bypassed`,
        ratio: dashRps / benchRps,
        target: "≥ 0.90×",
        pass: dashRps / benchRps >= 0.9 && bad(load.a) + bad(load.b) === 0,
        note:
          bad(load.a) + bad(load.b) > 0
            ? `${bad(load.a)} / ${bad(load.b)} non-2xx or failed responses: the figures are not comparable`
            : `per round ${load.a.map((r) => fixed(r.rps, 0)).join("/")} vs ${load.b.map((r) => fixed(r.rps, 0)).join("/")} req/s; ` +
              `app CPU ${fixed(cpuPerRequest(load.a), 0)} vs ${fixed(cpuPerRequest(load.b), 0)} µs per request; ` +
              `p99 ${fixed(Math.max(...load.a.map((r) => r.p99)), 0)} vs ${fixed(Math.max(...load.b.map((r) => r.p99)), 0)} ms`,
      },
      {
        measure: "access-token verification",
        figure: `${fixed(verify.verifierUs)} µs`,
        compared: `${fixed(verify.bareUs)} µs bare crypto.verify`,
        ratio: verify.ratio,
        target: "≤ 1.5×",
        pass: verify.ratio <= 1.5,
        note: `fastest of ${PLAN.verify.rounds} alternating rounds × ${PLAN.verify.iterations} each; medians ${fixed(verify.verifierMedianUs)} vs ${fixed(verify.bareMedianUs)} µs`,
      },
      {
        measure: "custom-form sign-in latency",
        figure: `p50 ${fixed(signIn.form.p50)} ms, p99 ${fixed(signIn.form.p99)} ms`,
        compared: `p50 ${fixed(signIn.bare.p50)} ms, p99 ${fixed(signIn.bare.p99)} ms bare InitiateAuth`,
        ratio: signIn.form.p50 / signIn.bare.p50,
        target: "≤ 1.3× p50",
        pass: signIn.form.p50 / signIn.bare.p50 <= 1.3,
        note: `${signIn.form.samples} + ${signIn.bare.samples} sign-ins; p99 ratio ${fixed(signIn.form.p99 / signIn.bare.p99, 2)}×`,
      },
      {
        measure: "Hosted UI sign-in",
        figure: `${hostedHops} hops, ${hostedTokenCalls} token call${hostedTokenCalls === 1 ? "" : "s"}`,
        compared: "—",
        ratio: null,
        target: "4 hops, 1 token call",
        pass: hosted.every((h) => h.hops === 4 && h.tokenCalls === 1),
        note: hosted[0]!.sequence.join(", "),
      },
      {
        measure: "JWKS fetches (whole bench)",
        figure: String(jwksFetches),
        compared: "—",
        ratio: null,
        target: "1",
        pass: jwksFetches === 1,
      },
      {
        measure: "session cookie bytes",
        figure: `emulator ${emulatorCookies.setCookieBytes.join("+")}, AWS-size ${aws.setCookieBytes.join("+")}`,
        compared: `${COOKIE_LIMIT} per cookie`,
        ratio: Math.max(...allCookieBytes) / COOKIE_LIMIT,
        target: `every cookie ≤ ${COOKIE_LIMIT}`,
        pass: allCookieBytes.every((b) => b <= COOKIE_LIMIT) && aws.roundTrips,
        note: `Cookie header ${emulatorCookies.cookieHeaderBytes} B (emulator), ${aws.cookieHeaderBytes} B (AWS-size: refresh ${aws.tokenBytes.refresh}, ID ${aws.tokenBytes.id}, access ${aws.tokenBytes.access} B)`,
      },
      // Two readings: right after the last request (V8 has sized its heap to
      // the load and not yet given pages back: informational), and once the
      // app has idled until its RSS stops falling (what it keeps: the target,
      // since growth there is what a leak looks like). docs/benchmarks.md.
      {
        measure: "app RSS right after the load",
        figure: `${fixed(mib(rssAfter))} MiB`,
        compared: `${fixed(mib(rssBefore))} MiB before`,
        ratio: rssAfter / rssBefore,
        target: "— (informational)",
        pass: true,
        note: `at start ${fixed(mib(rssAtStart))} MiB; after the warm-up ${fixed(mib(rssAfterWarmup), 0)} MiB, after each load round ${rssDuring.map((b) => fixed(mib(b), 0)).join("/")} MiB`,
      },
      {
        measure: "app RSS after the load, settled",
        figure: `${fixed(mib(settled.rss))} MiB after ${settled.seconds} s idle`,
        compared: `${fixed(mib(rssBefore))} MiB before`,
        ratio: settled.rss / rssBefore,
        target: `≤ ${RSS_TARGET}×`,
        pass: settled.rss / rssBefore <= RSS_TARGET,
        note: "the app idles while the in-process measurements run; RSS is read until it stops falling (≤ 45 s)",
      },
    ];

    const seconds = (performance.now() - started) / 1000;
    console.log(`\n${formatTable(rows)}\n`);
    const results = {
      date: new Date().toISOString(),
      machine: machine(),
      server: app.server,
      loadAverage: { atStart: loadBefore, atEnd: os.loadavg()[0] },
      seconds: round(seconds, 1),
      plan: PLAN,
      rows,
      raw: {
        dashboard: { withSession: load.a, bypassed: load.b, rps: { withSession: dashRps, bypassed: benchRps } },
        verification: verify,
        signIn,
        hosted,
        hostedProxyCounts: proxy.counts(),
        jwksFetches,
        cookies: { emulator: emulatorCookies, aws },
        rss: {
          atStart: rssAtStart,
          before: rssBefore,
          afterWarmup: rssAfterWarmup,
          afterEachRound: rssDuring,
          after: rssAfter,
          idle: settled,
        },
        cpuUsPerRequest: { withSession: cpuPerRequest(load.a), bypassed: cpuPerRequest(load.b) },
      },
    };
    fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    log(
      `${rows.filter((r) => r.pass).length}/${rows.length} targets met in ${fixed(seconds)} s; wrote ${path.relative(process.cwd(), RESULTS_FILE)}`,
    );
  } finally {
    await stack?.stop();
    if (PROFILE_DIR)
      log(
        `app CPU profile: ${
          fs
            .readdirSync(PROFILE_DIR)
            .map((f) => path.join(PROFILE_DIR, f))
            .join(", ") || "(none written)"
        }`,
      );
  }
}

/**
 * Samples the app's RSS once a second while it idles, until it is back under
 * `threshold` bytes or `seconds` have passed; returns the last reading.
 */
async function settleRss(app: AppProcess, threshold: number, seconds: number) {
  const samples: number[] = [];
  for (let t = 1; t <= seconds; t++) {
    await new Promise((r) => setTimeout(r, 1000));
    samples.push(app.rss());
    if (samples.at(-1)! <= threshold) break;
  }
  return { rss: samples.at(-1)!, seconds: samples.length, samples };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
