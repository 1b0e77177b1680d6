/**
 * `npm run dev`: emulator → seed → `remix dev`, in one command.
 *
 * Works on a fresh clone with no `.env` (one is created from `.env.example`).
 * When `.env` points at AWS (no COGNITO_ENDPOINT) it skips the emulator and
 * the seed and just runs the app. Ctrl-C stops everything it started.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { describeFlowChoice } from "../app/auth/flow.server.ts";
import { SEED_USERS } from "../app/dev/demo-accounts.server.ts";
import { LOCAL_IDP_PEOPLE } from "../app/dev/local-idp-people.server.ts";
import { collectEnv, parseEnv } from "../app/env.server.ts";
import type { RunningLocalCognito } from "../cognito-local/gateway/index.ts";
import { type ReadyInfo, readyLines } from "./lib/dev-console.ts";
import {
  emulatorIsUp,
  emulatorTarget,
  ensureDotEnv,
  type LocalHostedDomain,
  localHostedDomain,
  localIdpIsUp,
  localIdpTarget,
  readLocalEnv,
  seedLocal,
  startDevCognito,
  startDevIdp,
} from "./lib/local-env.ts";
import type { RunningLocalIdp } from "./lib/local-idp/server.ts";
import { ROOT } from "./lib/root.ts";

const startedAt = Date.now();
if (ensureDotEnv()) console.log("[dev] created .env from .env.example (local emulator settings)");
const env = readLocalEnv();
const port = Number(env.PORT ?? 3000);
const appUrl = env.APP_URL ?? `http://localhost:${port}`;
const target = emulatorTarget(env);
// Loopback only unless HOST says otherwise: a dev server with demo accounts
// should not be reachable from the network.
const childEnv: NodeJS.ProcessEnv = { ...process.env, HOST: process.env.HOST ?? "127.0.0.1" };

let emulator: RunningLocalCognito | undefined;
let idp: RunningLocalIdp | undefined;
let domain: LocalHostedDomain | undefined;
/** The local identity provider's URL (started here, or found running). */
let idpUrl: string | undefined;
let app: ChildProcess | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  app?.kill("SIGTERM");
  await emulator?.stop();
  await idp?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

/**
 * The sign-in flow the app has chosen, worked out by the app's own config
 * parser and flow rule from exactly what the app sees: this process's
 * environment for it, then .env, then .env.local.
 */
function appFlow(): ReadyInfo["flow"] {
  try {
    const appEnv = parseEnv(collectEnv({ ...childEnv, NODE_ENV: "development" }, ROOT));
    return { setting: appEnv.authFlow, choice: describeFlowChoice(appEnv), userAuth: appEnv.userAuth };
  } catch {
    return null; // the app prints what is wrong with the configuration
  }
}

/** The identity providers the app's sign-in page offers (COGNITO_IDENTITY_PROVIDERS, as the app reads it). */
function appProviders(): string[] {
  try {
    return parseEnv(collectEnv({ ...childEnv, NODE_ENV: "development" }, ROOT)).identityProviders;
  } catch {
    return [];
  }
}

async function isUp(url: string) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

try {
  if (target) {
    // The OpenID provider that stands in for Google and ExampleCorp, beside the emulator.
    const idpTarget = localIdpTarget(env, target);
    idpUrl = idpTarget.url;
    if (await localIdpIsUp(idpTarget.url)) {
      console.log(`[dev] reusing the local identity provider already running at ${idpTarget.url}`);
    } else {
      idp = await startDevIdp(idpTarget, target);
      console.log(`[dev] local identity provider ready at ${idp.issuer}`);
    }
    if (await emulatorIsUp(target.url)) {
      console.log(`[dev] reusing the emulator already running at ${target.url}`);
    } else {
      // cognito-local behind the parity gateway (cognito-local/gateway): the
      // app and the browser only ever talk to the gateway.
      emulator = await startDevCognito(target, idpTarget.url);
      console.log(`[dev] cognito-local ready at ${target.url} (pid ${emulator.pid})`);
    }
    // A COGNITO_LOCAL_PORT override moves the endpoint (and a local Hosted UI) with it.
    childEnv.COGNITO_ENDPOINT = target.url;
    // The emulator always has a Hosted UI: offer it unless .env names another.
    domain = localHostedDomain(env, target);
    childEnv.COGNITO_DOMAIN = domain.url;
    await seedLocal(target.url, appUrl, idpTarget.url);
  } else {
    console.log("[dev] COGNITO_ENDPOINT is not set: using the real Cognito user pool from .env (no emulator)");
  }

  app = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "dev", "-c", "node server/index.js"],
    {
      cwd: ROOT,
      env: childEnv,
      stdio: "inherit",
    },
  );
  app.on("exit", (code: number | null) => void shutdown(code ?? 0));

  // Announce once the home page answers.
  const deadline = Date.now() + 60_000;
  while (!stopping && Date.now() < deadline) {
    if (await isUp(`http://localhost:${port}/`)) {
      const info: ReadyInfo = {
        seconds: (Date.now() - startedAt) / 1000,
        appUrl,
        flow: appFlow(),
        emulator:
          target && domain
            ? {
                url: target.url,
                domain,
                users: SEED_USERS,
                idp: idpUrl ? { url: idpUrl, people: LOCAL_IDP_PEOPLE, offered: appProviders() } : undefined,
              }
            : null,
      };
      console.log(
        `\n${readyLines(info)
          .map((line) => `[dev] ${line}`)
          .join("\n")}\n`,
      );
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
} catch (error) {
  console.error(`[dev] ${(error as Error).message}`);
  await shutdown(1);
}
