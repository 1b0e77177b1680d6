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
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { type AppProcess, ensureBuild, readCpuMs } from "./lib/app-process.ts";
import { sealAwsSizeSession, sealLargestSession, sessionSetCookie, sizesOf } from "./lib/bench/cookie-sizes.ts";
import { hostedSignIn } from "./lib/bench/hosted.ts";
import { alternate, type LoadRound, loadRound } from "./lib/bench/load.ts";
import { machineTokenLatency } from "./lib/bench/machine-token.ts";
import {
  appEmailCodeSignIn,
  appPasskeySignIn,
  bareEmailCodeSignIn,
  barePasskeySignIn,
  emptyRequest,
  type FlowLatency,
  measureFlow,
  registerPasskey,
  signatureCpuUs,
} from "./lib/bench/passwordless.ts";
import { formatBreakdown } from "./lib/bench/profile-summary.ts";
import { probeRedis } from "./lib/bench/redis-stats.ts";
import { formatTable, machine, type Row } from "./lib/bench/report.ts";
import { bareInitiateAuth, formSignIn, measureSignInLatency } from "./lib/bench/sign-in.ts";
import { measurePair, measureSrpArithmetic, passwordSignIn, srpSignIn } from "./lib/bench/srp.ts";
import { EMAIL_CODE, type Stack, startStack } from "./lib/bench/stack.ts";
import { fixed, median, round } from "./lib/bench/stats.ts";
import { measureVerification } from "./lib/bench/verify.ts";
import { ROOT } from "./lib/root.ts";
import { SEED_USERS } from "./lib/seed.ts";
import { SoftwareAuthenticator } from "./lib/webauthn-authenticator.ts";

/** Knobs, sized so the whole run stays well under 3 minutes on 2 cores. */
const PLAN = {
  // Per app (the REDIS_URL one, then the in-process one): a warm-up per side, then 8 rounds
  // of its /dashboard and its bypassed page, A B, B A, …, so each side runs first
  // and last equally often and the two sides of a round run back to back. Many
  // short rounds rather than a few long ones: a row's ratio is the median of its
  // per-round ratios, so rounds that other work on the machine slowed cannot swing it.
  load: { connections: 10, warmupSeconds: 3, roundSeconds: 2, rounds: 8 },
  /** /api/v1/me with a bearer token vs the same answer with auth bypassed: the same shape, fewer rounds. */
  apiLoad: { rounds: 6 },
  /** The client_credentials token call, one at a time. */
  machineToken: { warmup: 10, samples: 100 },
  /** RSS is sampled this often during the load (the peak row). */
  rssSampleMs: 250,
  signIn: { warmup: 10, rounds: 4, perRound: 40 },
  /** Email-code and passkey sign-ins: two requests each (plus a signature for the passkey). */
  passwordless: { warmup: 5, rounds: 4, perRound: 15 },
  verify: { rounds: 15, iterations: 1000 },
  /** The emulator's own rows: SRP vs password sign-in, the gateway vs cognito-local alone. */
  emulator: { warmup: 10, rounds: 4, perRound: 30 },
  srpArithmetic: { rounds: 5, perRound: 40 },
  hostedRuns: 3,
  /** How long the app may idle after the load for its memory to come back. */
  settleSeconds: 45,
};
const RSS_TARGET = 1.2;
/** The app's own CPU per sign-in request, the SDK's share taken out. */
const OWN_CPU_PER_REQUEST_TARGET_MS = 2;
const PEAK_RSS_TARGET = 2;
/** The Redis-backed app may send Redis at most this many commands per request: no round trip per request. */
const REDIS_COMMANDS_PER_REQUEST_MAX = 0.01;
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
    stack = await startStack({
      nodeArgs: PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [],
      redis: true,
      frameworkFloor: true,
    });
    const { app, proxy, cognito, clientId, machine: machineClient, settings, sessionSecret } = stack;
    const appRedis = stack.appRedis!;
    const redis = stack.redis!;
    const appUrl = app.url;
    log(`emulator ${stack.emulator.url}, Hosted UI via counting proxy ${proxy.url}, redis-server ${redis.url}`);
    const rssAtStart = app.rss();
    log(`app ${appUrl}: ${app.server} (pid ${app.pid}, RSS ${fixed(mib(rssAtStart))} MiB at start)`);
    log(`app with REDIS_URL ${appRedis.url} (pid ${appRedis.pid})`);
    const floorServer = stack.floor!;
    log(
      `the framework alone (passwordless rows' floor) ${floorServer.url}: ${floorServer.server} (pid ${floorServer.pid})`,
    );

    // --- one of each, checked: a form sign-in, the pages, Hosted UI sign-ins
    const checkDashboard = async (base: string, jar: Awaited<ReturnType<typeof formSignIn>>["jar"]) => {
      const dashboard = await jar.fetch(`${base}/dashboard`);
      const html = await dashboard.text();
      if (dashboard.status !== 200 || !html.includes(`data-testid="email">${DEMO.username}<`)) {
        throw new Error(`${base}/dashboard with the session answered ${dashboard.status}, not the demo user's page`);
      }
      const benchPage = await fetch(`${base}/bench/dashboard`);
      if (benchPage.status !== 200 || !(await benchPage.text()).includes('data-testid="email">')) {
        throw new Error(`${base}/bench/dashboard answered ${benchPage.status} (is BENCH_ROUTES honoured?)`);
      }
    };
    const form = await formSignIn(appUrl, DEMO);
    const sessionCookie = form.jar.header();
    await checkDashboard(appUrl, form.jar);
    const formRedis = await formSignIn(appRedis.url, DEMO);
    const sessionCookieRedis = formRedis.jar.header();
    await checkDashboard(appRedis.url, formRedis.jar);
    const emulatorCookies = sizesOf(form.setCookies);
    // Does the second app really keep its sessions in Redis? (/healthz names the store once the app reports it.)
    const redisHealth = JSON.stringify(await (await fetch(`${appRedis.url}/healthz`)).json());
    const storeInRedis = /"kind":"redis"/.test(redisHealth);

    const hosted: {
      hops: number;
      cognitoInternalRedirects: number;
      requests: number;
      tokenCalls: number;
      sequence: string[];
    }[] = [];
    for (let i = 0; i < PLAN.hostedRuns; i++) {
      const tokenCallsBefore = proxy.count("POST /oauth2/token");
      const run = await hostedSignIn(appUrl, DEMO);
      if (!run.html.includes(`data-testid="flow">Cognito Hosted UI<`))
        throw new Error("Hosted UI sign-in did not land signed in");
      // Cognito's own redirect from /oauth2/authorize to its /login page (AWS's classic Hosted UI
      // does the same) is not the app's doing: a hop is a request after GET /auth/hosted, up to and
      // including the one that lands on /dashboard, less Cognito-to-Cognito redirects.
      const cognitoInternal = run.requests.filter(
        (r, i) => r.side === "cognito" && r.status >= 300 && r.status < 400 && run.requests[i + 1]?.side === "cognito",
      ).length;
      hosted.push({
        hops: run.requests.length - 1 - cognitoInternal,
        cognitoInternalRedirects: cognitoInternal,
        requests: run.requests.length,
        tokenCalls: proxy.count("POST /oauth2/token") - tokenCallsBefore,
        sequence: run.requests.map((r) => `${r.method} ${r.side} ${new URL(r.url).pathname} → ${r.status}`),
      });
    }
    log(`checked: form sign-in, /dashboard, /bench/dashboard on both apps, ${PLAN.hostedRuns} Hosted UI sign-ins`);

    // --- memory before any load
    const rssBefore = app.rss();
    const statsBefore = await benchStats(appUrl);

    // --- custom-form sign-in vs bare InitiateAuth (one at a time, alternating)
    log(`sign-in latency: ${PLAN.signIn.rounds} rounds × ${PLAN.signIn.perRound} per side…`);
    const signIn = await measureSignInLatency({
      appUrl,
      client: cognito,
      clientId,
      credentials: DEMO,
      serverCpuMs: app.cpuMs,
      // The app runs with choice-based sign-in on (COGNITO_USER_AUTH=1): its password call is USER_AUTH.
      flow: "USER_AUTH",
      ...PLAN.signIn,
    });

    // --- email-code and passkey sign-in vs the bare calls they make (one at a time, alternating)
    log(
      `passwordless sign-in: ${PLAN.passwordless.rounds} rounds × ${PLAN.passwordless.perRound} per side, email code and passkey…`,
    );
    // The browser is on the relying party's host (the seed's: localhost), at the app's port.
    const authenticator = new SoftwareAuthenticator();
    const webauthnOrigin = `http://localhost:${new URL(appUrl).port}`;
    await registerPasskey(cognito, clientId, DEMO, authenticator, webauthnOrigin);
    const passwordlessUser = { username: DEMO.username, code: EMAIL_CODE, authenticator, webauthnOrigin };
    // Each method is two requests through the app, as a browser with JS on sends them. The
    // floors, timed in the same rounds, show what those two hops cost before any sign-in work:
    // an empty request through the app (/healthz), the same through Remix's handler alone on
    // this build (no middleware), and a bare Node reply.
    const floors = {
      app: emptyRequest(`${appUrl}/healthz`),
      remix: emptyRequest(`${floorServer.url}/healthz`),
      node: emptyRequest(`${floorServer.url}/__bare`),
    };
    const emailCode = await measureFlow({
      app: () => appEmailCodeSignIn(appUrl, passwordlessUser),
      bare: () => bareEmailCodeSignIn(cognito, clientId, passwordlessUser),
      appRequests: 2,
      floors,
      serverCpuMs: app.cpuMs,
      ...PLAN.passwordless,
    });
    const passkey = await measureFlow({
      app: () => appPasskeySignIn(appUrl, passwordlessUser),
      bare: () => barePasskeySignIn(cognito, clientId, passwordlessUser),
      appRequests: 2,
      floors,
      serverCpuMs: app.cpuMs,
      ...PLAN.passwordless,
    });

    // The browser's part of a passkey sign-in (its signature), done by this process on both sides.
    const signatureUs = signatureCpuUs(passwordlessUser);

    // --- the client_credentials grant: a machine's token from the token endpoint
    log(`client_credentials token calls: ${PLAN.machineToken.samples}, one at a time…`);
    const machineToken = await machineTokenLatency({
      tokenUrl: `${stack.emulator.url}/oauth2/token`,
      ...machineClient,
      ...PLAN.machineToken,
    });

    // --- the emulator's own costs: SRP against a password sign-in, the gateway against cognito-local alone
    log(
      `emulator: SRP vs password sign-in, then the gateway vs cognito-local alone, ${PLAN.emulator.rounds} rounds × ${PLAN.emulator.perRound} per side…`,
    );
    const gatewayPid = stack.emulator.pid;
    const srpVsPassword = await measurePair({
      a: () => srpSignIn(cognito, clientId, settings.userPoolId, DEMO),
      b: () => passwordSignIn(cognito, clientId, DEMO),
      cpuMs: () => readCpuMs(gatewayPid),
      ...PLAN.emulator,
    });
    const cognitoLocalAlone = new CognitoIdentityProviderClient({
      endpoint: stack.emulator.upstreamUrl,
      region: settings.region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const gatewayVsAlone = await measurePair({
      a: () => passwordSignIn(cognito, clientId, DEMO),
      b: () => passwordSignIn(cognitoLocalAlone, clientId, DEMO),
      cpuMs: () => readCpuMs(gatewayPid),
      ...PLAN.emulator,
    });
    const srpArithmetic = measureSrpArithmetic(PLAN.srpArithmetic.rounds, PLAN.srpArithmetic.perRound);

    // A real emulator access token, for the verification measurement and the API's load below.
    const { tokens } = await bareInitiateAuth(cognito, clientId, DEMO);
    const apiMe = await fetch(`${appUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${tokens.AccessToken}` } });
    const apiBypassed = await fetch(`${appUrl}/bench/api-me`);
    if (apiMe.status !== 200 || apiBypassed.status !== 200) {
      throw new Error(`/api/v1/me answered ${apiMe.status} and /bench/api-me ${apiBypassed.status}, not 200 both`);
    }

    // --- /dashboard vs /bench/dashboard under load, on both apps (alternating rounds after a warm-up)
    const { connections, warmupSeconds, roundSeconds, rounds } = PLAN.load;
    log(
      `load: per app (REDIS_URL, then in-process), warm-up ${warmupSeconds} s per side, then ${rounds} rounds × ${roundSeconds} s per side, ${connections} connections…`,
    );
    const redisProbe = await probeRedis(redis);
    // Commands Redis processed during the Redis app's /dashboard rounds, and during its bypassed
    // rounds (no session: only the registry's background work, e.g. its health PING). The
    // difference, per request, is what a signed-in request costs the store.
    const redisCommands = { total: 0, cpuMs: 0, seconds: 0, background: 0, backgroundSeconds: 0 };
    const countRedis = async (side: "dashboard" | "bypassed", run: () => Promise<LoadRound>) => {
      const commandsBefore = await redisProbe.commands();
      const cpuBefore = redisProbe.cpuMs();
      const round = await run();
      const commands = (await redisProbe.commands()) - commandsBefore;
      if (side === "dashboard") {
        redisCommands.cpuMs += redisProbe.cpuMs() - cpuBefore;
        redisCommands.total += commands;
        redisCommands.seconds += round.seconds;
      } else {
        redisCommands.background += commands;
        redisCommands.backgroundSeconds += round.seconds;
      }
      return round;
    };
    // The bypassed side sends no cookie: with one, the root loader would check the session there too.
    const withSession = (target: AppProcess, cookie: string) => (seconds: number) =>
      loadRound({
        url: `${target.url}/dashboard`,
        seconds,
        connections,
        headers: { Cookie: cookie },
        serverCpuMs: target.cpuMs,
      });
    const bypassed = (target: AppProcess) => (seconds: number) =>
      loadRound({ url: `${target.url}/bench/dashboard`, seconds, connections, serverCpuMs: target.cpuMs });
    type Side = (seconds: number) => Promise<LoadRound>;
    // The API: /api/v1/me with the demo user's bearer token, against the same answer with its auth
    // bypassed (/bench/api-me). Neither sends a cookie.
    const apiPair: [Side, Side] = [
      (seconds) =>
        loadRound({
          url: `${app.url}/api/v1/me`,
          seconds,
          connections,
          headers: { Authorization: `Bearer ${tokens.AccessToken}` },
          serverCpuMs: app.cpuMs,
        }),
      (seconds) => loadRound({ url: `${app.url}/bench/api-me`, seconds, connections, serverCpuMs: app.cpuMs }),
    ];
    const inProcessPair: [Side, Side] = [withSession(app, sessionCookie), bypassed(app)];
    const redisPair: [Side, Side] = [
      (seconds) => countRedis("dashboard", () => withSession(appRedis, sessionCookieRedis)(seconds)),
      (seconds) => countRedis("bypassed", () => bypassed(appRedis)(seconds)),
    ];
    // Each app's pair in a phase of its own (warm-up, then A B, B A, …), so both rows are
    // interleaved the same way. Interleaving all four sides (d b dR bR, bR dR b d, …) made each
    // app's first round after idling through the other app's rounds always the same side: the
    // bypassed page on the in-process app and /dashboard on the Redis app, which skewed the two
    // rows in opposite directions. The Redis app goes first, so the in-process app's RSS is read
    // right after its own load.
    const phase = async (
      [a, b]: [Side, Side],
      before?: () => Promise<void>,
      between?: () => void,
      roundCount = rounds,
    ) => {
      await a(warmupSeconds);
      await b(warmupSeconds);
      await before?.();
      const { a: aRounds, b: bRounds } = await alternate(
        roundCount,
        () => a(roundSeconds),
        () => b(roundSeconds),
        between,
      );
      return [aRounds, bRounds] as const;
    };
    // Peak RSS of both apps, sampled through the whole load phase.
    const peak = { app: app.rss(), appRedis: appRedis.rss() };
    const sampler = setInterval(() => {
      peak.app = Math.max(peak.app, app.rss());
      peak.appRedis = Math.max(peak.appRedis, appRedis.rss());
    }, PLAN.rssSampleMs);
    const rssDuring: number[] = [];
    let redisLoad: readonly [LoadRound[], LoadRound[]];
    let inProcessLoad: readonly [LoadRound[], LoadRound[]];
    let apiLoad: readonly [LoadRound[], LoadRound[]];
    let redisCommandsBefore: Record<string, number> = {};
    let redisCommandsByName: Record<string, number> = {};
    try {
      redisLoad = await phase(redisPair, async () => {
        // The warm-up's commands do not count.
        Object.assign(redisCommands, { total: 0, cpuMs: 0, seconds: 0, background: 0, backgroundSeconds: 0 });
        redisCommandsBefore = await redisProbe.commandStats();
      });
      const redisCommandsAfter = await redisProbe.commandStats();
      redisCommandsByName = Object.fromEntries(
        Object.entries(redisCommandsAfter)
          .map(([name, calls]) => [name, calls - (redisCommandsBefore[name] ?? 0)] as const)
          .filter(([, calls]) => calls > 0),
      );
      inProcessLoad = await phase(inProcessPair, undefined, () => rssDuring.push(app.rss()));
      apiLoad = await phase(apiPair, undefined, undefined, PLAN.apiLoad.rounds);
    } finally {
      clearInterval(sampler);
      await redisProbe.close();
    }
    const [dashLoad, benchLoad] = inProcessLoad;
    const [dashRedisLoad, benchRedisLoad] = redisLoad;
    const [apiMeLoad, apiBypassedLoad] = apiLoad;
    const rssAfter = app.rss();
    const statsAfter = await benchStats(appUrl);

    // --- while the app idles: does its memory come back? (V8 gives heap back
    // only when its memory reducer runs, some seconds after allocation stops.)
    // Meanwhile, the in-process measurements, which leave the app alone.
    const settling = settleRss(app, rssBefore * RSS_TARGET, PLAN.settleSeconds);
    log(
      `token verification: ${PLAN.verify.rounds} rounds × ${PLAN.verify.iterations} per side (the app idles, up to ${PLAN.settleSeconds} s)…`,
    );
    const verify = await measureVerification(settings, tokens.AccessToken!, PLAN.verify);
    const aws = sealAwsSizeSession(sessionSetCookie(form.setCookies), sessionSecret);
    const largest = sealLargestSession(sessionSetCookie(form.setCookies), sessionSecret);
    const settled = await settling;

    // --- JWKS fetches over the whole run, as the app counts them
    const health = (await (await fetch(`${appUrl}/healthz`)).json()) as { jwks?: { fetches?: number } };
    const jwksFetches = health.jwks?.fetches ?? NaN;

    // --- the table
    const rate = (r: LoadRound[]) => r.reduce((a, x) => a + x.requests, 0) / r.reduce((a, x) => a + x.seconds, 0);
    const bad = (r: LoadRound[]) => r.reduce((a, x) => a + x.non2xx + x.errors, 0);
    const requests = (r: LoadRound[]) => r.reduce((a, x) => a + x.requests, 0);
    const cpuPerRequest = (r: LoadRound[]) =>
      r.reduce((a, x) => a + (x.cpuUsPerRequest ?? NaN) * x.requests, 0) / requests(r);
    // The ratio is the median of the per-round ratios: each round's two sides ran back to back,
    // so they saw the same machine. A real per-request cost lowers every round's ratio, so the
    // median keeps it; a round another process slowed moves only that round's. The pooled
    // ratio (all requests over all seconds) is in the note.
    const dashboardRow = (measure: string, a: LoadRound[], b: LoadRound[], extraNote = ""): Row => {
      const roundRatios = a.map((r, i) => r.rps / b[i]!.rps);
      const ratio = median(roundRatios);
      return {
        measure,
        figure: `${fixed(rate(a), 0)} req/s`,
        compared: `${fixed(rate(b), 0)} req/s auth bypassed`,
        ratio,
        target: "≥ 0.90×",
        pass: ratio >= 0.9 && bad(a) + bad(b) === 0,
        note:
          bad(a) + bad(b) > 0
            ? `${bad(a)} / ${bad(b)} non-2xx or failed responses: the figures are not comparable`
            : `ratio: median of ${roundRatios.length} per-round ratios ${roundRatios.map((x) => fixed(x, 2)).join("/")}, pooled ${fixed(rate(a) / rate(b), 2)}×; ` +
              `per round ${a.map((r) => fixed(r.rps, 0)).join("/")} vs ${b.map((r) => fixed(r.rps, 0)).join("/")} req/s; ` +
              `app CPU ${fixed(cpuPerRequest(a), 0)} vs ${fixed(cpuPerRequest(b), 0)} µs per request; ` +
              `p99 ${fixed(Math.max(...a.map((r) => r.p99)), 0)} vs ${fixed(Math.max(...b.map((r) => r.p99)), 0)} ms${extraNote}`,
      };
    };
    const hostedHops = Math.max(...hosted.map((h) => h.hops));
    const hostedTokenCalls = Math.max(...hosted.map((h) => h.tokenCalls));
    const allCookieBytes = [...emulatorCookies.setCookieBytes, ...aws.setCookieBytes];
    // Commands caused by signed-in requests: those of the /dashboard rounds, less the background
    // rate measured over the bypassed rounds for as long.
    const redisBackgroundPerSecond = redisCommands.background / redisCommands.backgroundSeconds;
    const redisPerRequest =
      Math.max(0, redisCommands.total - redisBackgroundPerSecond * redisCommands.seconds) / requests(dashRedisLoad);
    const storeCostUs = cpuPerRequest(dashRedisLoad) - cpuPerRequest(dashLoad);
    const cache = statsAfter.sessionCache;
    const rows: Row[] = [
      dashboardRow(
        "/dashboard req/s, in-process store",
        dashLoad,
        benchLoad,
        cache ? `; session cache ${cache.hits} hits, ${cache.misses} misses over the run` : "",
      ),
      {
        ...dashboardRow("/dashboard req/s, REDIS_URL store", dashRedisLoad, benchRedisLoad),
        ...(storeInRedis
          ? {}
          : {
              pass: false,
              note: "the app does not report a Redis session store in /healthz (REDIS_URL not wired into requests yet): not measured",
            }),
      },
      {
        measure: "session store cost per request",
        figure: `Redis: ${fixed(redisPerRequest * 1000, 1)} commands per 1000 requests, ${fixed((redisCommands.cpuMs * 1000) / requests(dashRedisLoad), 1)} µs redis-server CPU per request`,
        compared: `app CPU ${fixed(cpuPerRequest(dashRedisLoad), 0)} (Redis) vs ${fixed(cpuPerRequest(dashLoad), 0)} µs (in-process) per /dashboard`,
        ratio: cpuPerRequest(dashRedisLoad) / cpuPerRequest(dashLoad),
        target: `no Redis round trip per request (≤ ${REDIS_COMMANDS_PER_REQUEST_MAX * 1000} per 1000)`,
        pass: storeInRedis && redisPerRequest <= REDIS_COMMANDS_PER_REQUEST_MAX,
        note: storeInRedis
          ? `${redisCommands.total} commands during ${requests(dashRedisLoad)} signed-in requests (${redisCommands.seconds} s), ` +
            `${redisCommands.background} during as long without a session (background: ${fixed(redisBackgroundPerSecond, 2)}/s); ` +
            `by name over the whole load: ${Object.entries(redisCommandsByName)
              .map(([n, c]) => `${n} ${c}`)
              .join(", ")}; ` +
            `the Redis app's extra app CPU per /dashboard: ${fixed(storeCostUs, 0)} µs (two processes: read with the dashboard rows' noise)`
          : "the app does not report a Redis session store in /healthz yet: nothing to measure",
      },
      {
        measure: "custom-form sign-in latency",
        figure: `p50 ${fixed(signIn.form.p50)} ms, p99 ${fixed(signIn.form.p99)} ms`,
        compared: `p50 ${fixed(signIn.bare.p50)} ms, p99 ${fixed(signIn.bare.p99)} ms bare InitiateAuth (USER_AUTH, password)`,
        ratio: signIn.form.p50 / signIn.bare.p50,
        target: "≤ 1.3× p50",
        pass: signIn.form.p50 / signIn.bare.p50 <= 1.3,
        note:
          `${signIn.form.samples} + ${signIn.bare.samples} sign-ins; app adds ${fixed(signIn.form.p50 - signIn.bare.p50)} ms at p50; p99 ratio ${fixed(signIn.form.p99 / signIn.bare.p99, 2)}×; ` +
          `app CPU ${fixed(signIn.appCpuUsPerSignIn ?? NaN, 0)} µs per sign-in (its InitiateAuth through the SDK included)`,
      },
      ownCpuRow(
        "email-code sign-in: app CPU per request",
        emailCode,
        0,
        "InitiateAuth + RespondToAuthChallenge (EMAIL_OTP)",
      ),
      ownCpuRow(
        "passkey sign-in: app CPU per request",
        passkey,
        signatureUs,
        "InitiateAuth + RespondToAuthChallenge (WEB_AUTHN)",
      ),
      {
        measure: "emulator: SRP sign-in latency",
        figure: `p50 ${fixed(srpVsPassword.a.p50)} ms, p99 ${fixed(srpVsPassword.a.p99)} ms`,
        compared: `p50 ${fixed(srpVsPassword.b.p50)} ms, p99 ${fixed(srpVsPassword.b.p99)} ms USER_PASSWORD_AUTH through it`,
        ratio: srpVsPassword.a.p50 / srpVsPassword.b.p50,
        target: "≤ 1.5× p50",
        pass: srpVsPassword.a.p50 / srpVsPassword.b.p50 <= 1.5,
        note:
          `USER_SRP_AUTH + RespondToAuthChallenge (PASSWORD_VERIFIER), the client's arithmetic included (${fixed(srpArithmetic.clientMs, 2)} ms), ` +
          `against one InitiateAuth; ${srpVsPassword.a.samples} + ${srpVsPassword.b.samples} sign-ins; per-round p50 ratios ${srpVsPassword.roundRatios.map((x) => fixed(x, 2)).join("/")}`,
      },
      {
        measure: "emulator: CPU per SRP verification",
        figure: `${fixed(srpArithmetic.serverMs, 2)} ms`,
        compared: `gateway CPU ${fixed(srpVsPassword.cpuMsPerA ?? NaN, 2)} ms per SRP sign-in vs ${fixed(srpVsPassword.cpuMsPerB ?? NaN, 2)} ms per password sign-in`,
        ratio: null,
        target: "≤ 3 ms",
        pass: srpArithmetic.serverMs <= 3,
        note:
          `the gateway's SRP arithmetic for one sign-in (B at InitiateAuth; u, S, the key and the claim at the answer, ` +
          `${fixed(srpArithmetic.verifyMs, 2)} ms of it), median of ${PLAN.srpArithmetic.rounds} rounds × ${PLAN.srpArithmetic.perRound}, this process's CPU; ` +
          `making the verifier adds ${fixed(srpArithmetic.verifierMs, 2)} ms at a user's first SRP sign-in with a password (the gateway keeps it); ` +
          `the gateway process's CPU (from /proc, 10 ms ticks) per sign-in includes its two requests' handling and SDK calls to cognito-local`,
      },
      {
        measure: "emulator: gateway overhead on InitiateAuth",
        figure: `p50 ${fixed(gatewayVsAlone.a.p50)} ms, p99 ${fixed(gatewayVsAlone.a.p99)} ms`,
        compared: `p50 ${fixed(gatewayVsAlone.b.p50)} ms, p99 ${fixed(gatewayVsAlone.b.p99)} ms cognito-local alone`,
        ratio: gatewayVsAlone.a.p50 / gatewayVsAlone.b.p50,
        target: "≤ 1.2× p50",
        pass: gatewayVsAlone.a.p50 / gatewayVsAlone.b.p50 <= 1.2,
        note:
          `USER_PASSWORD_AUTH, the same call and client; gateway CPU ${fixed(gatewayVsAlone.cpuMsPerA ?? NaN, 2)} ms per call; ` +
          `per-round p50 ratios ${gatewayVsAlone.roundRatios.map((x) => fixed(x, 2)).join("/")}`,
      },
      dashboardRow("/api/v1/me req/s, bearer token", apiMeLoad, apiBypassedLoad),
      {
        measure: "client_credentials token call",
        figure: `p50 ${fixed(machineToken.p50)} ms, p99 ${fixed(machineToken.p99)} ms`,
        compared: `p50 ${fixed(signIn.bare.p50)} ms bare InitiateAuth (a password sign-in)`,
        ratio: null,
        target: "200 with a token, each",
        pass: machineToken.failures === 0,
        note: `${machineToken.samples} token calls through the local Cognito's /oauth2/token (HTTP Basic, no scope: every custom scope of the seeded machine client), one at a time; a machine keeps its token for its lifetime (an hour)`,
      },
      {
        measure: "access-token verification",
        figure: `${fixed(verify.verifierUs)} µs`,
        compared: `${fixed(verify.bareUs)} µs bare crypto.verify`,
        ratio: verify.ratio,
        target: "≤ 1.5×",
        pass: verify.ratio <= 1.5,
        note:
          `fastest of ${PLAN.verify.rounds} alternating rounds × ${PLAN.verify.iterations} each; medians ${fixed(verify.verifierMedianUs)} vs ${fixed(verify.bareMedianUs)} µs; ` +
          `aws-jwt-verify adds ${fixed(verify.verifierUs - verify.bareUs)} µs around the same RSA check, ${fixed(verify.parseUs)} µs of it its token parse alone ` +
          `(decomposeUnverifiedJwt: JSON.parse with a reviver that deletes __proto__/constructor); the rest is its streaming createVerify, claim checks (the app verifies through verifySync once the key is cached, so no async machinery)`,
      },
      {
        measure: "Hosted UI sign-in",
        figure: `${hostedHops} hops, ${hostedTokenCalls} token call${hostedTokenCalls === 1 ? "" : "s"}`,
        compared: "—",
        ratio: null,
        target: "4 hops, 1 token call",
        pass: hosted.every((h) => h.hops === 4 && h.tokenCalls === 1),
        note:
          `${hosted[0]!.sequence.join(", ")}` +
          (hosted[0]!.cognitoInternalRedirects
            ? ` (${hosted[0]!.cognitoInternalRedirects} of them Cognito's own redirect to its sign-in page, not counted)`
            : ""),
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
      {
        measure: "largest session cookie bytes",
        figure: largest.setCookieBytes.join("+"),
        compared: `${COOKIE_LIMIT} per cookie`,
        ratio: Math.max(...largest.setCookieBytes) / COOKIE_LIMIT,
        target: `every cookie ≤ ${COOKIE_LIMIT}`,
        pass: largest.setCookieBytes.every((b) => b <= COOKIE_LIMIT) && largest.roundTrips,
        note: `${largest.describe}; Cookie header ${largest.cookieHeaderBytes} B`,
      },
      {
        measure: "app peak RSS during the load",
        figure: `${fixed(mib(peak.app))} MiB`,
        compared: `${fixed(mib(rssBefore))} MiB before`,
        ratio: peak.app / rssBefore,
        target: `≤ ${PEAK_RSS_TARGET}×`,
        pass: peak.app / rssBefore <= PEAK_RSS_TARGET,
        note:
          `sampled every ${PLAN.rssSampleMs} ms; ${fixed(mib(rssAfter))} MiB right after the load; at start ${fixed(mib(rssAtStart))} MiB; ` +
          `after each round ${rssDuring.map((b) => fixed(mib(b), 0)).join("/")} MiB; the Redis app peaked at ${fixed(mib(peak.appRedis))} MiB; ` +
          `server: ${app.server}; where it is — before: ${describeMemory(statsBefore.memory)}; right after: ${describeMemory(statsAfter.memory)}`,
      },
      {
        measure: "app RSS after the load, settled",
        figure: `${fixed(mib(settled.rss))} MiB after ${settled.seconds} s idle`,
        compared: `${fixed(mib(rssBefore))} MiB before`,
        ratio: settled.rss / rssBefore,
        target: `≤ ${RSS_TARGET}×`,
        pass: settled.rss / rssBefore <= RSS_TARGET,
        note: `the app idles while the in-process measurements run; RSS is read until it stops falling (≤ ${PLAN.settleSeconds} s)`,
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
        dashboard: {
          inProcess: { withSession: dashLoad, bypassed: benchLoad },
          redis: {
            withSession: dashRedisLoad,
            bypassed: benchRedisLoad,
            storeInRedis,
            commands: redisCommands,
            commandsByName: redisCommandsByName,
          },
        },
        sessionCache: cache,
        memory: { before: statsBefore.memory, after: statsAfter.memory },
        verification: verify,
        signIn,
        emailCode,
        passkey,
        passkeySignatureCpuUs: signatureUs,
        machineToken,
        api: { withToken: apiMeLoad, bypassed: apiBypassedLoad },
        emulator: { srpVsPassword, gatewayVsAlone, srpArithmetic },
        hosted,
        hostedProxyCounts: proxy.counts(),
        jwksFetches,
        cookies: { emulator: emulatorCookies, aws, largest },
        rss: {
          atStart: rssAtStart,
          before: rssBefore,
          peak: peak.app,
          peakRedisApp: peak.appRedis,
          afterEachRound: rssDuring,
          after: rssAfter,
          idle: settled,
        },
        cpuUsPerRequest: {
          inProcess: { withSession: cpuPerRequest(dashLoad), bypassed: cpuPerRequest(benchLoad) },
          redis: { withSession: cpuPerRequest(dashRedisLoad), bypassed: cpuPerRequest(benchRedisLoad) },
        },
      },
    };
    fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    log(
      `${rows.filter((r) => r.pass).length}/${rows.length} targets met in ${fixed(seconds)} s; wrote ${path.relative(process.cwd(), RESULTS_FILE)}`,
    );
  } finally {
    await stack?.stop();
    if (PROFILE_DIR) {
      const profiles = fs.readdirSync(PROFILE_DIR).map((f) => path.join(PROFILE_DIR, f));
      log(`app CPU profile: ${profiles.join(", ") || "(none written)"}`);
      // The whole run (sign-ins, page loads, start-up) by where the time went; docs/benchmarks.md reads it.
      for (const file of profiles) console.log(`\n${formatBreakdown(file)}`);
    }
  }
}

/**
 * A row for a sign-in method: the app's own CPU per request it handles, with the SDK's share (the
 * client side of the Cognito calls it makes, measured as the same calls' CPU on the bare side,
 * less `clientWorkUs` that this process does on both sides, e.g. the passkey's signature) taken
 * out. The latencies are figures in the note: on one machine they are mostly the framework's floor
 * and the emulator's work (docs/benchmarks.md).
 */
function ownCpuRow(measure: string, flow: FlowLatency, clientWorkUs: number, bareCalls: string): Row {
  const appUs = flow.appCpuUsPerSignIn ?? Number.NaN;
  const sdkUs = Math.max(0, flow.bareCpuUsPerSignIn - clientWorkUs);
  const ownMsPerRequest = (appUs - sdkUs) / flow.appRequests / 1000;
  return {
    measure,
    figure: `${fixed(ownMsPerRequest, 2)} ms per request`,
    compared: `app CPU ${fixed(appUs / 1000, 2)} ms per sign-in, less the SDK's ${fixed(sdkUs / 1000, 2)} ms, over ${flow.appRequests} requests; GET /healthz costs it ${fixed((flow.floorAppCpuUs?.app ?? Number.NaN) / 1000, 2)} ms`,
    ratio: null,
    target: `≤ ${OWN_CPU_PER_REQUEST_TARGET_MS} ms`,
    pass: ownMsPerRequest <= OWN_CPU_PER_REQUEST_TARGET_MS,
    note:
      `the SDK's share: this process's CPU per bare ${bareCalls}, ${fixed(flow.bareCpuUsPerSignIn / 1000, 2)} ms` +
      (clientWorkUs > 0 ? `, less ${fixed(clientWorkUs / 1000, 2)} ms for the signature both sides make` : "") +
      `; latency p50 ${fixed(flow.app.p50)} / p99 ${fixed(flow.app.p99)} ms through the app, p50 ${fixed(flow.bare.p50)} / p99 ${fixed(flow.bare.p99)} ms bare ` +
      `(${flow.app.samples} + ${flow.bare.samples} sign-ins; the app adds ${fixed(flow.app.p50 - flow.bare.p50)} ms at p50); ` +
      floorNote(flow) +
      `per round ${flow.appRoundP50.map((x) => fixed(x)).join("/")} vs ${flow.bareRoundP50.map((x) => fixed(x)).join("/")} ms`,
  };
}

/** What the app side's hops cost before any sign-in work, from the floors timed in the same rounds. */
function floorNote(flow: FlowLatency): string {
  const { app, remix, node } = flow.floorP50;
  if (app === undefined || remix === undefined || node === undefined) return "";
  const hops = flow.appRequests;
  return (
    `an empty request (GET /healthz) takes ${fixed(app)} ms p50 through the app, ${fixed(remix)} ms through Remix's ` +
    `handler alone on this build (no middleware), ${fixed(node)} ms as a bare Node reply; so its ${hops} hops cost ` +
    `≈ ${fixed(hops * app)} ms before any sign-in work (through Remix alone ≈ ${fixed(hops * remix)} ms); `
  );
}

interface MemoryStats {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  heapSizeLimit: number;
  spaces: Record<string, { committed: number; used: number }>;
}

/** The app's /bench/stats: session-cache counters and where its memory is. */
async function benchStats(appUrl: string) {
  return (await (await fetch(`${appUrl}/bench/stats`)).json()) as {
    sessionCache?: { entries: number; hits: number; misses: number };
    memory: MemoryStats;
  };
}

/** "RSS 300 = V8 heap 250 (old space 200 committed / 30 used, new space 32 / 5) + …" in MiB. */
function describeMemory(m: MemoryStats): string {
  const space = (name: string) => m.spaces[name] ?? { committed: 0, used: 0 };
  const old = space("old_space");
  const young = space("new_space");
  return (
    `RSS ${fixed(mib(m.rss), 0)} MiB = V8 heap ${fixed(mib(m.heapTotal), 0)} committed ` +
    `(old space ${fixed(mib(old.committed), 0)} committed / ${fixed(mib(old.used), 0)} used, ` +
    `new space ${fixed(mib(young.committed), 0)} / ${fixed(mib(young.used), 0)}; limit ${fixed(mib(m.heapSizeLimit), 0)}) ` +
    `+ ${fixed(mib(m.external), 0)} external + ${fixed(mib(m.rss - m.heapTotal - m.external), 0)} native and code`
  );
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
