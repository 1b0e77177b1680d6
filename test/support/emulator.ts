/**
 * A local Cognito of a test's own — cognito-local behind the parity gateway, as `npm run dev` runs
 * it — in a fresh temporary data directory on a free loopback port; `startSeededEmulator` also
 * seeds it with the same code as `npm run seed`. The run's shared emulator (global-setup.ts), the
 * private ones of files that stop or restart it (own-emulator.ts, the durability tests) and the
 * gateway's parity tests (integration/gateway/support.ts) all start here.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../cognito-local/free-port.ts";
import { type RunningLocalCognito, startLocalCognito } from "../../cognito-local/gateway/index.ts";
import { type SeedResult, seed } from "../../scripts/lib/seed.ts";

export interface PrivateEmulatorOptions {
  /** Extra environment for cognito-local, e.g. `CODE` to fix every confirmation code. */
  env?: Record<string, string>;
  /** Keep what cognito-local and the gateway log in `logs` (for tests that read codes from it). */
  keepLog?: boolean;
  /** The port (default: a free one), for a test that must name the emulator's URL before it starts. */
  port?: number;
  /** The OpenID issuer that plays Google (a local identity provider). */
  googleIssuer?: string;
  /** The gateway's clock (tests move it). */
  now?: () => number;
}

export interface PrivateEmulator {
  /** The gateway's URL: what the app and the SDK talk to. */
  url: string;
  port: number;
  /** cognito-local itself, behind the gateway (it moves when the emulator restarts). */
  readonly upstreamUrl: string;
  dataDir: string;
  /** With `keepLog`: every line logged so far, ANSI colours stripped. */
  logs: string[];
  readonly running: boolean;
  /** Stops the emulator; its data stays on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data: the same pools, users, clients and tokens. */
  start(): Promise<void>;
  /** Stops it and deletes its data directory. */
  dispose(): Promise<void>;
}

export async function startPrivateEmulator(options: PrivateEmulatorOptions = {}): Promise<PrivateEmulator> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-emulator-"));
  const port = options.port ?? (await freePort());
  const logs: string[] = [];
  const onLog = options.keepLog ? (line: string) => void logs.push(line.replace(/\x1b\[[0-9;]*m/g, "")) : undefined;
  let running: RunningLocalCognito | undefined;
  let upstreamUrl = "";
  const start = async () => {
    if (running) return;
    running = await startLocalCognito({
      dataDir,
      port,
      env: options.env,
      onLog,
      googleIssuer: options.googleIssuer,
      now: options.now,
    });
    upstreamUrl = running.upstreamUrl;
  };
  const stop = async () => {
    const current = running;
    running = undefined;
    await current?.stop();
  };
  const dispose = async () => {
    await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await start();
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    url: running!.url,
    port,
    get upstreamUrl() {
      return upstreamUrl;
    },
    dataDir,
    logs,
    get running() {
      return running !== undefined;
    },
    stop,
    start,
    dispose,
  };
}

export interface SeededEmulatorOptions extends PrivateEmulatorOptions {
  /** The app URLs the seeded clients accept (callback and sign-out). Default: the seed's. */
  appUrls?: string[];
  /** The local identity provider's issuer: the seed then creates the pool's Google and ExampleCorp. */
  identityProviderIssuer?: string;
}

export interface SeededEmulator extends PrivateEmulator {
  seeded: SeedResult;
  /** JSON file: email → TOTP secret of the seeded users with an authenticator. */
  totpSecretsFile: string;
  /** Seeds again (idempotent), registering these app URLs on the clients. */
  reseed(appUrls: string[]): Promise<SeedResult>;
}

export async function startSeededEmulator(options: SeededEmulatorOptions = {}): Promise<SeededEmulator> {
  const emulator = await startPrivateEmulator(options);
  // The seed enrols a TOTP user and keeps its secret in a file: keep ours away from the
  // developer's (the default is in the repository root).
  const totpSecretsFile = path.join(emulator.dataDir, "totp-secrets.json");
  const reseed = (appUrls?: string[]) =>
    seed({ endpoint: emulator.url, appUrls, totpSecretsFile, identityProviderIssuer: options.identityProviderIssuer });
  try {
    const seeded = await reseed(options.appUrls);
    return Object.assign(emulator, { seeded, totpSecretsFile, reseed });
  } catch (error) {
    await emulator.dispose();
    throw error;
  }
}
