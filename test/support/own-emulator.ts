/**
 * A private cognito-local for tests that must stop and restart it (outages,
 * restarts) without disturbing the run's shared emulator: a fresh temp data
 * directory, a free loopback port, seeded with the same code as `npm run seed`.
 * `stop()` and `start()` keep the port and the data directory, so a restart
 * is the same Cognito with the same users, clients and refresh tokens.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand } from "@aws-sdk/client-cognito-identity-provider";
import { type RunningLocalCognito, startLocalCognito } from "../../cognito-local/gateway/index.ts";
import { freePort } from "../../scripts/lib/free-port.ts";
import { seed } from "../../scripts/lib/seed.ts";

export interface OwnEmulator {
  url: string;
  port: number;
  dataDir: string;
  userPoolId: string;
  /** The seeded public `web` client. */
  webClientId: string;
  /** An SDK client for admin calls against this emulator. */
  admin: CognitoIdentityProviderClient;
  readonly running: boolean;
  /** Stops the emulator; data stays on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data directory. */
  start(): Promise<void>;
  /** A public app client with form sign-in and refresh, and the given access/ID token lifetime. */
  createAppClient(options?: { accessTokenSeconds?: number }): Promise<{ clientId: string }>;
  /** Stops it and deletes its data directory. */
  dispose(): Promise<void>;
}

export async function startOwnEmulator(options: { confirmationCode?: string } = {}): Promise<OwnEmulator> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-own-"));
  const port = await freePort();
  const env = options.confirmationCode ? { CODE: options.confirmationCode } : undefined;
  let emulator: RunningLocalCognito | undefined;
  const start = async () => {
    if (emulator) return;
    // Behind the parity gateway, like the shared test emulator and `npm run dev`.
    emulator = await startLocalCognito({ dataDir, port, env });
  };
  const stop = async () => {
    const current = emulator;
    emulator = undefined;
    await current?.stop();
  };
  const dispose = async () => {
    await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await start();
    const url = emulator!.url;
    const seeded = await seed({ endpoint: url, totpSecretsFile: path.join(dataDir, "totp-secrets.json") });
    const admin = new CognitoIdentityProviderClient({
      endpoint: url,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    return {
      url,
      port,
      dataDir,
      userPoolId: seeded.userPoolId,
      webClientId: seeded.clients.web.clientId,
      admin,
      get running() {
        return emulator !== undefined;
      },
      stop,
      start,
      async createAppClient({ accessTokenSeconds = 3600 } = {}) {
        const res = await admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: seeded.userPoolId,
            ClientName: `own-${Math.random().toString(36).slice(2, 8)}`,
            GenerateSecret: false,
            ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            EnableTokenRevocation: true,
            AccessTokenValidity: accessTokenSeconds,
            IdTokenValidity: accessTokenSeconds,
            RefreshTokenValidity: 30,
            TokenValidityUnits: { AccessToken: "seconds", IdToken: "seconds", RefreshToken: "days" },
          }),
        );
        return { clientId: res.UserPoolClient!.ClientId! };
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
