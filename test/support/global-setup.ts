/**
 * Vitest global setup: a fresh cognito-local (behind its parity gateway) for the whole run on a free
 * loopback port with a temporary data directory, seeded with the same code as
 * `npm run seed`, plus one production build of the app. Torn down afterwards,
 * also when tests fail (vitest calls the returned teardown in every case, and
 * the emulator module kills its children when this process exits).
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { LOCAL_IDP_CLIENTS } from "../../app/dev/local-idp-people.server.ts";
import { freePort } from "../../cognito-local/free-port.ts";
import { ROOT } from "../../scripts/lib/root.ts";
import { startSeededEmulator } from "./emulator.ts";
import { startTestIdp } from "./local-idp.ts";

/** Fixed confirmation code, so tests can confirm sign-ups (cognito-local's `CODE`). */
export const TEST_CONFIRMATION_CODE = "123456";

declare module "vitest" {
  export interface ProvidedContext {
    emulatorUrl: string;
    /** cognito-local itself, behind the gateway (for a second gateway with other settings in front of it). */
    emulatorUpstreamUrl: string;
    emulatorDataDir: string;
    userPoolId: string;
    webClientId: string;
    confidentialClientId: string;
    confidentialClientSecret: string;
    /** The seeded machine client (client_credentials, every scope of the app's API). */
    machineClientId: string;
    machineClientSecret: string;
    /** JSON file: email → TOTP secret of seeded users with an authenticator. */
    totpSecretsFile: string;
    /** The local identity provider the emulator's Google and ExampleCorp sign in through. */
    idpIssuer: string;
  }
}

export default async function setup(project: TestProject) {
  const port = await freePort();
  // The OpenID provider standing in for Google and ExampleCorp, as `npm run dev` runs it.
  const idp = await startTestIdp({
    clients: LOCAL_IDP_CLIENTS.map((c) => ({
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      name: `${c.label} (cognito-local)`,
      redirectUris: [`http://127.0.0.1:${port}/oauth2/idpresponse`],
    })),
  });
  // cognito-local behind the parity gateway, exactly as `npm run dev` runs it (its Google: the provider above).
  const emulator = await startSeededEmulator({
    env: { CODE: TEST_CONFIRMATION_CODE },
    port,
    googleIssuer: idp.issuer,
    identityProviderIssuer: idp.issuer,
  }).catch(async (error) => {
    await idp.dispose();
    throw error;
  });
  const teardown = async () => {
    await emulator.dispose();
    await idp.dispose();
  };
  try {
    // One production build for every test that runs the app, with the bench's routes: a test reads
    // /bench/stats (remix.config.js; they still answer 404 unless an app runs with BENCH_ROUTES=1).
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
      cwd: ROOT,
      stdio: "pipe",
      env: { ...process.env, NODE_ENV: "production", BENCH_ROUTES: "1" },
    });
    project.provide("emulatorUrl", emulator.url);
    project.provide("emulatorUpstreamUrl", emulator.upstreamUrl);
    project.provide("emulatorDataDir", emulator.dataDir);
    project.provide("userPoolId", emulator.seeded.userPoolId);
    project.provide("webClientId", emulator.seeded.clients.web.clientId);
    project.provide("confidentialClientId", emulator.seeded.clients["web-confidential"].clientId);
    project.provide("confidentialClientSecret", emulator.seeded.clients["web-confidential"].clientSecret);
    project.provide("machineClientId", emulator.seeded.clients.machine.clientId);
    project.provide("machineClientSecret", emulator.seeded.clients.machine.clientSecret);
    project.provide("totpSecretsFile", emulator.totpSecretsFile);
    project.provide("idpIssuer", idp.issuer);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
