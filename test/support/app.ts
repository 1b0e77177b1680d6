/**
 * Runs the production build of the app (`node server/index.js`, as `npm start`) as a
 * child process against the test emulator, on a free loopback port.
 *
 * Each app instance gets its own app client in the seeded pool by default, so
 * tests can choose public/confidential clients and token lifetimes, and
 * register the instance's own callback URL, without racing each other.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { expect, inject } from "vitest";
import { freePort } from "../../cognito-local/free-port.ts";
import { ROOT } from "../../scripts/lib/root.ts";

export const TEST_SESSION_SECRET = "test-session-secret-0123456789abcdef-0123456789";

export function adminClient(): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: inject("emulatorUrl"),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

export interface AppClientOptions {
  /** Give the client a secret (confidential client). */
  secret?: boolean;
  /** Access token lifetime in seconds (default one hour). */
  accessTokenSeconds?: number;
  /** Allow choice-based sign-in (ALLOW_USER_AUTH: email codes, passkeys), as the seeded `web` client does. */
  userAuth?: boolean;
  /** Identity providers the client allows besides COGNITO (they must exist in the pool). */
  identityProviders?: string[];
  /** Passwords by SRP only (ALLOW_USER_SRP_AUTH instead of ALLOW_USER_PASSWORD_AUTH), as AWS recommends. */
  srpOnly?: boolean;
  callbackBase: string;
}

export async function createAppClient(options: AppClientOptions) {
  const res = await adminClient().send(
    new CreateUserPoolClientCommand({
      UserPoolId: inject("userPoolId"),
      ClientName: `test-${Math.random().toString(36).slice(2, 8)}`,
      GenerateSecret: options.secret ?? false,
      ExplicitAuthFlows: [
        ...(options.userAuth ? (["ALLOW_USER_AUTH"] as const) : []),
        options.srpOnly ? "ALLOW_USER_SRP_AUTH" : "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
      ],
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
      SupportedIdentityProviders: ["COGNITO", ...(options.identityProviders ?? [])],
      CallbackURLs: [`${options.callbackBase}/auth/callback`],
      LogoutURLs: [`${options.callbackBase}/`],
      AccessTokenValidity: options.accessTokenSeconds ?? 3600,
      IdTokenValidity: options.accessTokenSeconds ?? 3600,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { AccessToken: "seconds", IdToken: "seconds", RefreshToken: "days" },
    }),
  );
  return { clientId: res.UserPoolClient!.ClientId!, clientSecret: res.UserPoolClient!.ClientSecret };
}

export interface StartAppOptions {
  /** Extra/overriding environment for the app (e.g. AUTH_FLOW). `undefined` values unset a variable. */
  env?: Record<string, string | undefined>;
  /** App client to create for this instance (ignored when env sets COGNITO_CLIENT_ID). */
  client?: Omit<AppClientOptions, "callbackBase">;
  /** Resolve once the process exits instead of waiting for it to listen (config-error tests). */
  expectExit?: boolean;
  /**
   * The host name in the app's URL (APP_URL and `url`); it still listens on
   * 127.0.0.1. "localhost" for passkeys in a browser: the test pool's
   * WebAuthn relying party is `localhost`, and a passkey only works on an
   * origin whose host is the relying party ID.
   */
  urlHost?: "127.0.0.1" | "localhost";
}

export interface RunningApp {
  url: string;
  clientId: string;
  clientSecret?: string;
  /** The server process, e.g. to read its memory from /proc/<pid>/status. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
  /** Exit code, once the process has exited. */
  exited: Promise<number | null>;
}

/** The app's own server (what `npm start` runs). */
const SERVER = path.join(ROOT, "server/index.js");

export async function startApp(options: StartAppOptions = {}): Promise<RunningApp> {
  const port = await freePort();
  const url = `http://${options.urlHost ?? "127.0.0.1"}:${port}`;
  let clientId = options.env?.COGNITO_CLIENT_ID;
  let clientSecret = options.env?.COGNITO_CLIENT_SECRET;
  if (!clientId) {
    ({ clientId, clientSecret } = await createAppClient({ ...options.client, callbackBase: url }));
  }
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    ENV_FILES: "none",
    PORT: String(port),
    HOST: "127.0.0.1",
    APP_URL: url,
    SESSION_SECRET: TEST_SESSION_SECRET,
    COGNITO_REGION: "us-east-1",
    COGNITO_USER_POOL_ID: inject("userPoolId"),
    COGNITO_CLIENT_ID: clientId,
    COGNITO_CLIENT_SECRET: clientSecret,
    COGNITO_ENDPOINT: inject("emulatorUrl"),
    // A production build against the emulator, on loopback: the explicit opt-in.
    ALLOW_EMULATOR_IN_PRODUCTION: "1",
    // Every test client comes from 127.0.0.1, and many tests fail sign-ins or
    // codes on purpose: only the rate-limit tests keep the real defaults.
    RATE_LIMIT_CONSECUTIVE_FAILURES: "100000",
    RATE_LIMIT_IP_FAILURES_PER_DAY: "100000",
    RATE_LIMIT_SIGNUPS_PER_HOUR: "100000",
    RATE_LIMIT_CODE_SENDS_PER_HOUR: "100000",
    RATE_LIMIT_MAX_IN_FLIGHT_PER_IP: "100000",
    RATE_LIMIT_ACCOUNT_FAILURES_PER_DAY: "100000",
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const stop = async () => {
    if (hasExited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  };
  const app: RunningApp = {
    url,
    clientId: clientId!,
    clientSecret,
    pid: child.pid!,
    output: () => output,
    stop,
    exited,
  };
  if (options.expectExit) {
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
    return app;
  }
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (hasExited) throw new Error(`app exited before listening:\n${output}`);
    try {
      await fetch(`${url}/`, { redirect: "manual" });
      return app;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`app did not start in time:\n${output}`);
}

/** Asserts Cognito no longer accepts `refreshToken` (revoked at logout, say). */
export async function expectRefreshRefused(clientId: string, refreshToken: string): Promise<void> {
  await expect(
    adminClient().send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    ),
  ).rejects.toMatchObject({ name: "NotAuthorizedException" });
}
