/**
 * The whole stack the bench measures, started from nothing: a fresh local
 * Cognito — cognito-local behind its parity gateway, as `npm run dev` and the
 * tests run it (free port, temp data dir, seeded), in a process of its own
 * (./emulator-process.ts says why) — a counting proxy in front
 * of it for the Hosted UI, a dedicated app client whose callback URL is the
 * app's, and the production build under `npm start`'s server with BENCH_ROUTES=1.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand } from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoSettings } from "../../../app/cognito/config.server.ts";
import { freePort } from "../../../cognito-local/free-port.ts";
import { type AppProcess, type StartAppOptions, startApp } from "../app-process.ts";
import { type RunningRedis, startRedis } from "../redis.ts";
import { seed } from "../seed.ts";
import { type CountingProxy, startCountingProxy } from "./cognito-proxy.ts";
import { type EmulatorProcess, startEmulatorProcess } from "./emulator-process.ts";

export const REGION = "us-east-1";
/** The code the local Cognito emails for every sign-in (cognito-local's and the gateway's `CODE`). */
export const EMAIL_CODE = "246810";

export interface Stack {
  /** The parity gateway in front of cognito-local (what `npm run dev` and the tests use), in its own process. */
  emulator: EmulatorProcess;
  proxy: CountingProxy;
  /** The app with its default, in-process session store. */
  app: AppProcess;
  /** With `redis: true`: a real redis-server, and a second app process whose store is that Redis (REDIS_URL). */
  redis?: RunningRedis;
  appRedis?: AppProcess;
  /** With `frameworkFloor: true`: this build behind Remix's handler alone (./framework-floor.js), same environment. */
  floor?: AppProcess;
  /** An SDK client on the emulator (admin and user calls alike). */
  cognito: CognitoIdentityProviderClient;
  clientId: string;
  /** The seeded machine client (client_credentials, the app's API scopes). */
  machine: { clientId: string; clientSecret: string };
  settings: CognitoSettings;
  sessionSecret: string;
  /** Stops everything this started and removes the emulator's data. Idempotent. */
  stop(): Promise<void>;
}

export interface StackOptions extends Pick<StartAppOptions, "nodeArgs" | "onLine" | "root"> {
  /** Also start redis-server and a second app using it as its session store. */
  redis?: boolean;
  /** Also start ./framework-floor.js: the floor the app's own layers sit on. */
  frameworkFloor?: boolean;
}

const FRAMEWORK_FLOOR = path.join(path.dirname(fileURLToPath(import.meta.url)), "framework-floor.js");

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const { redis: withRedis, frameworkFloor, ...appOptions } = options;
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    // Cognito first: then nothing holds the app's outgoing keep-alive sockets
    // open, and it exits promptly on SIGTERM (writing any --cpu-prof).
    for (const fn of stops.splice(0)) {
      try {
        await fn();
      } catch {
        // keep stopping the rest
      }
    }
  };
  try {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-bench-"));
    const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
    process.on("exit", removeDataDir);
    // The gateway in a process of its own, cognito-local behind it in another.
    // CODE: every emailed sign-in code is this one, so the bench can type it.
    const emulator = await startEmulatorProcess({ dataDir, port: await freePort(), env: { CODE: EMAIL_CODE } });
    stops.push(() => emulator.stop(), removeDataDir);
    const seeded = await seed({ endpoint: emulator.url, region: REGION });
    const proxy = await startCountingProxy(emulator.url);
    stops.unshift(() => proxy.stop());

    const appPort = await freePort();
    const appUrl = `http://127.0.0.1:${appPort}`;
    const cognito = new CognitoIdentityProviderClient({
      endpoint: emulator.url,
      region: REGION,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const { UserPoolClient } = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: seeded.userPoolId,
        ClientName: `bench-${crypto.randomBytes(3).toString("hex")}`,
        GenerateSecret: false,
        // As the seeded `web` client: the password form (sent or SRP), choice-based sign-in (codes, passkeys), refresh.
        ExplicitAuthFlows: [
          "ALLOW_USER_SRP_AUTH",
          "ALLOW_USER_PASSWORD_AUTH",
          "ALLOW_USER_AUTH",
          "ALLOW_REFRESH_TOKEN_AUTH",
        ],
        AllowedOAuthFlows: ["code"],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
        SupportedIdentityProviders: ["COGNITO"],
        CallbackURLs: [`${appUrl}/auth/callback`],
        LogoutURLs: [`${appUrl}/`],
        AccessTokenValidity: 3600,
        IdTokenValidity: 3600,
        RefreshTokenValidity: 30,
        TokenValidityUnits: { AccessToken: "seconds", IdToken: "seconds", RefreshToken: "days" },
      }),
    );
    const clientId = UserPoolClient!.ClientId!;
    const sessionSecret = crypto.randomBytes(32).toString("base64url"); // 43 characters
    const env = {
      SESSION_SECRET: sessionSecret,
      BENCH_ROUTES: "1",
      // The bench signs the demo user in from one address, many at once:
      // lift the cap on checks in parallel per address (successes are never
      // counted, so the failure limits need no change).
      RATE_LIMIT_MAX_IN_FLIGHT_PER_IP: "100000",
      // …and asks for a few hundred sign-in codes an hour from that address, and calls the API as
      // the demo user as fast as it can (every request still counted, as for anyone).
      RATE_LIMIT_CODE_SENDS_PER_HOUR: "1000000",
      RATE_LIMIT_API_USER_PER_MINUTE: "1000000",
      // Choice-based sign-in (USER_AUTH): the password in one step, emailed codes, passkeys —
      // what the seed sets up locally (.env.example).
      COGNITO_USER_AUTH: "1",
      AUTH_FLOW: "auto", // the Hosted UI and the form both available
      COGNITO_REGION: REGION,
      COGNITO_USER_POOL_ID: seeded.userPoolId,
      COGNITO_CLIENT_ID: clientId,
      COGNITO_ENDPOINT: emulator.url,
      COGNITO_DOMAIN: proxy.url,
    };
    const app = await startApp({ ...appOptions, port: appPort, env });
    stops.push(() => app.stop());

    let redis: RunningRedis | undefined;
    let appRedis: AppProcess | undefined;
    if (withRedis) {
      redis = await startRedis();
      // After the app that uses it: stop order is apps, then Redis.
      stops.push(() => redis!.dispose());
      const port = await freePort();
      appRedis = await startApp({
        ...appOptions,
        // One CPU profile is enough (and two processes writing one would collide).
        nodeArgs: appOptions.nodeArgs?.filter((a) => !a.startsWith("--cpu-prof")),
        port,
        env: { ...env, REDIS_URL: redis.url },
      });
      stops.splice(stops.length - 1, 0, () => appRedis!.stop());
    }
    let floor: AppProcess | undefined;
    if (frameworkFloor) {
      floor = await startApp({
        port: await freePort(),
        env,
        server: { args: [FRAMEWORK_FLOOR], describe: `node ${path.relative(process.cwd(), FRAMEWORK_FLOOR)}` },
      });
      stops.push(() => floor!.stop());
    }
    return {
      emulator,
      floor,
      proxy,
      app,
      redis,
      appRedis,
      cognito,
      clientId,
      machine: seeded.clients.machine,
      settings: { region: REGION, userPoolId: seeded.userPoolId, clientId, endpoint: emulator.url },
      sessionSecret,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
