/**
 * The first five minutes, for real: `npm run dev` in a fresh copy of the
 * project (no .env, no .env.local, no emulator data: the developer's own are
 * never touched), on free ports given through the environment, exactly as a
 * newcomer would run it. Then a Hosted UI sign-in through the emulator over
 * HTTP, with no .env edits. The whole process group is stopped afterwards,
 * however the test ends.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../cognito-local/free-port.ts";
import { ROOT } from "../../scripts/lib/root.ts";
import { hostedSignIn } from "../support/hosted.ts";
import { CookieJar, expectRedirect } from "../support/http.ts";
import { PEOPLE, visitProvider } from "../support/local-idp.ts";

/** What a fresh clone does not have: git-ignored files, built output, local state. */
const NOT_IN_A_CLONE = new Set([
  ".git",
  "node_modules",
  "build",
  ".cache",
  ".env",
  ".env.local",
  ".totp-secrets.json",
  "screenshots",
  "test-results",
  "bench-results.json",
]);

function copyProject(from: string, to: string) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (NOT_IN_A_CLONE.has(entry.name) || entry.name.endsWith(".log")) continue;
    const relative = path.relative(ROOT, path.join(from, entry.name));
    if (relative === "public/build" || relative === "cognito-local/.data") continue;
    if (entry.isDirectory()) {
      fs.mkdirSync(path.join(to, entry.name));
      copyProject(path.join(from, entry.name), path.join(to, entry.name));
    } else if (entry.isFile()) {
      fs.copyFileSync(path.join(from, entry.name), path.join(to, entry.name));
    }
  }
}

/** Whether any process of the group led by `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("a fresh `npm run dev`", () => {
  let dir: string;
  let child: ChildProcess;
  let output = "";
  let appUrl: string;
  let emulatorUrl: string;
  let idpUrl: string;
  let exited = false;
  const killGroup = () => {
    if (child?.pid && groupAlive(child.pid)) process.kill(-child.pid, "SIGKILL");
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-fresh-"));
    copyProject(ROOT, dir);
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    const [port, emulatorPort, idpPort] = [await freePort(), await freePort(), await freePort()];
    appUrl = `http://localhost:${port}`;
    emulatorUrl = `http://localhost:${emulatorPort}`;
    idpUrl = `http://localhost:${idpPort}`;
    // A newcomer's shell: no AWS_SDK_* variables, nothing from this test run.
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME ?? dir,
      npm_config_update_notifier: "false",
      PORT: String(port),
      APP_URL: appUrl,
      COGNITO_LOCAL_PORT: String(emulatorPort),
      LOCAL_IDP_PORT: String(idpPort),
    };
    child = spawn("npm", ["run", "dev"], {
      cwd: dir,
      env: env as NodeJS.ProcessEnv,
      // Its own process group, so everything it starts can be stopped together.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    child.once("exit", () => (exited = true));
    process.once("exit", killGroup);
    // Two shared cores: emulator start, seed and a development build take a while.
    await waitFor(
      "the ready block",
      () => output.includes("Ctrl-C stops") || exited,
      180_000,
      () => output,
    );
    expect(exited, output).toBe(false);
  }, 200_000);

  afterAll(async () => {
    try {
      if (child?.pid && groupAlive(child.pid)) {
        // What a terminal's Ctrl-C does: SIGINT to the whole foreground group.
        process.kill(-child.pid, "SIGINT");
        await waitFor(
          "everything to stop",
          () => !groupAlive(child.pid!),
          30_000,
          () => output,
        );
      }
    } finally {
      killGroup();
      process.off("exit", killGroup);
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it("creates .env from .env.example and says which flow is in effect, and how to switch", () => {
    expect(fs.readFileSync(path.join(dir, ".env"), "utf8")).toBe(
      fs.readFileSync(path.join(ROOT, ".env.example"), "utf8"),
    );
    expect(output).toContain("[dev] created .env from .env.example");
    expect(output).toContain(`[auth] sign-in flow: hosted (AUTH_FLOW=auto and COGNITO_DOMAIN set)`);
    expect(output).toContain("[dev] /login uses the Cognito Hosted UI (AUTH_FLOW=auto and COGNITO_DOMAIN set)");
    expect(output).toContain("set AUTH_FLOW=custom in .env");
    expect(output).toMatch(new RegExp(`sign in: Cognito Hosted UI\\s+${appUrl}/auth/hosted`));
    expect(output).toMatch(new RegExp(`sign in: the app's form\\s+${appUrl}/login\\?flow=custom`));
    expect(output).toMatch(new RegExp(`emulator \\(API and Hosted UI\\)\\s+${emulatorUrl}`));
  });

  it("prints no SDK notices: neither v2's end-of-support banner nor v3's Node-version warning", () => {
    expect(output).toContain("[cognito-local]"); // the emulator's output is shown...
    expect(output).not.toContain("AWS SDK for JavaScript (v2)"); // ...without the v2 banner
    expect(output).not.toContain("NodeVersionSupportWarning");
    expect(output).not.toMatch(/\(node:\d+\) NOTE:/);
  });

  it("signs in through the emulator's Hosted UI with no .env edits", async () => {
    // /login sends the browser to the Hosted UI...
    const login = await new CookieJar().fetch(`${appUrl}/login`);
    expectRedirect(login, "/auth/hosted?redirectTo=%2Fdashboard");
    // ...which is the emulator's, on the port given, and signs the demo user in.
    const { jar, callback } = await hostedSignIn(appUrl, "demo@example.com", "DemoPassw0rd!");
    expectRedirect(callback, "/dashboard");
    const dashboard = await jar.fetch(`${appUrl}/dashboard`);
    expect(dashboard.status).toBe(200);
    const html = await dashboard.text();
    expect(html).toContain('data-testid="email">demo@example.com');
    expect(html).toContain('data-testid="flow">Cognito Hosted UI');
  });

  it("signs in with the stand-in Google with no .env edits: Continue with Google, the provider's page, the dashboard", async () => {
    const jar = new CookieJar();
    const login = await (await jar.fetch(`${appUrl}/login?flow=custom`)).text();
    expect(login).toContain("Continue with Google");
    const start = `${appUrl}/auth/hosted?provider=Google&redirectTo=%2Fdashboard`;
    const outcome = await visitProvider(jar, start, new URL(idpUrl).origin, { person: PEOPLE.newcomer });
    expect(outcome.pages).toEqual(["sign-in", "consent"]);
    // The provider hands the browser back to the emulator, which hands it back to the app.
    const idpResponse = await jar.fetch(outcome.location);
    const callback = await jar.fetch(new URL(idpResponse.headers.get("Location")!, appUrl).toString());
    expectRedirect(callback, "/dashboard");
    const html = await (await jar.fetch(`${appUrl}/dashboard`)).text();
    expect(html).toContain(`data-testid="email">${PEOPLE.newcomer.email}`);
  });

  it("serves the development home page with both ways in and the seeded accounts", async () => {
    const html = await (await fetch(`${appUrl}/`)).text();
    expect(html).toContain('data-testid="local-guide"');
    expect(html).toContain('href="/auth/hosted?redirectTo=%2Fdashboard"');
    expect(html).toContain('href="/login?flow=custom"');
    expect(html).toContain("mfa@example.com");
  });
});
