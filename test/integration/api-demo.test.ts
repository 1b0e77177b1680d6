/**
 * `npm run api:demo` end to end, as a developer runs it after `npm run dev`: the seeded machine
 * client gets a token (client_credentials) and calls the app's API with it, printing each step,
 * with nothing edited — and never prints the client secret or a whole token.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { ROOT } from "../../scripts/lib/root.ts";
import { suiteApp } from "../support/fixtures.ts";

const app = suiteApp(async () => ({
  env: {
    COGNITO_CLIENT_ID: inject("webClientId"),
    // What the seed's .env.local says for the dev app.
    API_CLIENT_IDS: `${inject("webClientId")},${inject("machineClientId")}`,
  },
}));

function runDemo(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  // What .env and the seed's .env.local give `npm run dev`, and nothing else of ours.
  const childEnv: Record<string, string | undefined> = { PATH: process.env.PATH, ENV_FILES: "none", ...env };
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/api-demo.ts"], {
      cwd: ROOT,
      env: childEnv as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("npm run api:demo", () => {
  it("gets a machine token and calls the API, step by step, printing neither the secret nor a whole token", async () => {
    const secret = inject("machineClientSecret");
    const { code, output } = await runDemo({
      APP_URL: app.url,
      COGNITO_ENDPOINT: inject("emulatorUrl"),
      COGNITO_DOMAIN: inject("emulatorUrl"),
      API_MACHINE_CLIENT_ID: inject("machineClientId"),
      API_MACHINE_CLIENT_SECRET: secret,
    });
    expect(output).toContain("[api:demo] 1. An access token for the machine client");
    expect(output).toContain(`GET ${app.url}/api/v1/me`);
    expect(output).toMatch(/→ 200 \{"kind":"machine"/);
    expect(output).toMatch(/→ 403 \{"error":"insufficient_scope"/);
    expect(output).toMatch(/→ 401 \{"error":"unauthorized"/);
    expect(output).toContain("Done: every answer was the expected one");
    expect(code, output).toBe(0);
    expect(output).not.toContain(secret);
    expect(output).not.toMatch(/eyJ[\w-]{20,}\.[\w-]{20,}\.[\w-]{20,}/);
  });

  it("says what is missing, and how to get it, when the machine client is not known", async () => {
    const { code, output } = await runDemo({ APP_URL: app.url, COGNITO_DOMAIN: inject("emulatorUrl") });
    expect(code).toBe(1);
    expect(output).toContain("no machine client: run `npm run seed`");
  });
});
