/**
 * A private local Cognito (./emulator.ts) for tests that must stop and restart it (outages,
 * restarts) without disturbing the run's shared emulator. `stop()` and `start()` keep the port
 * and the data directory, so a restart is the same Cognito with the same users, clients and
 * refresh tokens. `throttle()` stands in for a Cognito that is up but throttling, which the
 * emulator never does: it answers on the same port exactly as AWS answers a throttled call,
 * until `start()`.
 */
import http from "node:http";
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand } from "@aws-sdk/client-cognito-identity-provider";
import { startSeededEmulator } from "./emulator.ts";

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
  /** Starts it again on the same port with the same data directory (ending a `throttle()`). */
  start(): Promise<void>;
  /**
   * Stops the emulator and answers every Cognito API call on its port as AWS
   * does when it throttles (HTTP 400, `TooManyRequestsException`, "Rate
   * exceeded"). Returns the operations answered so far (a live list).
   */
  throttle(): Promise<string[]>;
  /** A public app client with form sign-in and refresh, and the given access/ID token lifetime. */
  createAppClient(options?: { accessTokenSeconds?: number }): Promise<{ clientId: string }>;
  /** Stops it and deletes its data directory. */
  dispose(): Promise<void>;
}

export async function startOwnEmulator(options: { confirmationCode?: string } = {}): Promise<OwnEmulator> {
  const emulator = await startSeededEmulator({
    env: options.confirmationCode ? { CODE: options.confirmationCode } : undefined,
  });
  const { url, port, seeded } = emulator;
  let throttler: http.Server | undefined;
  const endThrottle = async () => {
    const current = throttler;
    throttler = undefined;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  const throttle = async () => {
    await emulator.stop();
    const throttled: string[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      const op = String(req.headers["x-amz-target"] ?? "").split(".")[1];
      if (!op) {
        res.writeHead(404).end();
        return;
      }
      throttled.push(op);
      res.writeHead(400, {
        "Content-Type": "application/x-amz-json-1.1",
        "x-amzn-ErrorType": "TooManyRequestsException:",
      });
      res.end(JSON.stringify({ __type: "TooManyRequestsException", message: "Rate exceeded" }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    throttler = server;
    return throttled;
  };
  const admin = new CognitoIdentityProviderClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return {
    url,
    port,
    dataDir: emulator.dataDir,
    userPoolId: seeded.userPoolId,
    webClientId: seeded.clients.web.clientId,
    admin,
    get running() {
      return emulator.running;
    },
    stop: () => emulator.stop(),
    async start() {
      await endThrottle();
      await emulator.start();
    },
    throttle,
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
    async dispose() {
      await endThrottle();
      await emulator.dispose();
    },
  };
}
