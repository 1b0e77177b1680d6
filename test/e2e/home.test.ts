/**
 * The home page as a newcomer meets it. In development with the emulator it
 * shows the way in — both sign-in buttons, the demo accounts, where codes
 * appear, the README on real user pools — and, signed in, who you are and
 * how you signed in; in Chromium at desktop and phone widths, axe-clean.
 * Production shows the plain public page: no demo accounts, no README route.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { SEED_USERS } from "~/dev/demo-accounts.server";
import { ROOT } from "../../scripts/lib/root.ts";
import { audit } from "../support/browser.ts";
import { suiteApp, suiteAppAndBrowser } from "../support/fixtures.ts";
import { CookieJar, signInWithForm } from "../support/http.ts";

// Two sign-ins and axe scans per test: on a busy shared machine that can take
// well over vitest's default 30 s (a budget, not a timed assertion).
const BROWSER_TEST_TIMEOUT_MS = 120_000;

const WIDTHS = [
  ["desktop", 1280],
  ["mobile", 375],
] as const;

describe("the development home page (Chromium)", () => {
  // NODE_ENV=test: not production, like `npm run dev` (which runs NODE_ENV=development
  // through `remix dev`; test/integration/dev-first-run.test.ts covers that for real).
  // USER_AUTH on, as `npm run dev` has it: the guide says how to try codes and passkeys.
  const { app, browser } = suiteAppAndBrowser({
    env: { NODE_ENV: "test", COGNITO_DOMAIN: inject("emulatorUrl"), COGNITO_USER_AUTH: "1" },
    client: { userAuth: true },
  });

  for (const [label, width] of WIDTHS) {
    it(
      `shows both ways in and the demo accounts, and signs in through each (${label})`,
      async () => {
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        const page = await context.newPage();
        await page.goto(`${app.url}/`);
        const guide = page.getByTestId("local-guide");
        await expect(guide.getByRole("heading", { name: "Try it locally" }).isVisible()).resolves.toBe(true);
        const hostedButton = guide.getByRole("link", { name: "Sign in with the Cognito Hosted UI" });
        const formButton = guide.getByRole("link", { name: "Sign in with the app's form" });
        await expect(hostedButton.isVisible()).resolves.toBe(true);
        await expect(formButton.isVisible()).resolves.toBe(true);
        await expect(page.getByTestId("login-flow").textContent()).resolves.toContain(
          "uses the Cognito Hosted UI (AUTH_FLOW=auto and COGNITO_DOMAIN set)",
        );
        const accounts = await page.getByTestId("demo-accounts").textContent();
        for (const email of ["demo@example.com", "admin@example.com", "newhire@example.com", "mfa@example.com"]) {
          expect(accounts).toContain(email);
        }
        expect(accounts).toContain("npm run totp -- mfa@example.com");
        await expect(guide.textContent()).resolves.toContain("npm run dev");
        await expect(page.getByTestId("passwordless-accounts").textContent()).resolves.toContain(
          "passwordless@example.com",
        );
        await expect(page.getByTestId("try-email-code").textContent()).resolves.toContain("Email me a code");
        await expect(page.getByTestId("try-passkey").textContent()).resolves.toMatch(
          /Add a passkey.*Sign in with a passkey.*use 127\.0\.0\.1 in the address bar/,
        );
        await audit(page, `home-dev-${label}`);

        // The Hosted UI button: the emulator's sign-in page, then back to the dashboard.
        await hostedButton.click();
        await page.waitForURL((url) => url.href.startsWith(inject("emulatorUrl")));
        await page.getByLabel("Email").fill("admin@example.com");
        await page.getByLabel("Password").fill("AdminPassw0rd!");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(`${app.url}/dashboard`);
        await page.goto(`${app.url}/`);
        await expect(page.getByTestId("who").textContent()).resolves.toMatch(
          /signed in as admin@example\.com.*through the Cognito Hosted UI; your groups: admins, users/,
        );
        await expect(page.getByTestId("entry-points").count()).resolves.toBe(0);
        await audit(page, `home-dev-signed-in-${label}`);
        await context.close();

        // The form button, in a fresh browser.
        const formContext = await browser.newContext({ viewport: { width, height: 800 } });
        const formPage = await formContext.newPage();
        await formPage.goto(`${app.url}/`);
        await formPage.getByTestId("local-guide").getByRole("link", { name: "Sign in with the app's form" }).click();
        await formPage.waitForURL(`${app.url}/login?flow=custom`);
        await formPage.getByLabel("Email").fill("demo@example.com");
        await formPage.getByLabel("Password", { exact: true }).fill("DemoPassw0rd!");
        await formPage.getByRole("button", { name: "Sign in", exact: true }).click();
        await formPage.waitForURL(`${app.url}/dashboard`);
        await formPage.goto(`${app.url}/`);
        await expect(formPage.getByTestId("how").textContent()).resolves.toBe("the app's sign-in form");
        await formContext.close();
      },
      BROWSER_TEST_TIMEOUT_MS,
    );

    it(
      `links to the README section on real user pools (${label})`,
      async () => {
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        const page = await context.newPage();
        await page.goto(`${app.url}/`);
        await page.getByRole("link", { name: "Switching to a real user pool" }).click();
        await page.waitForURL(`${app.url}/dev/readme#switching-to-a-real-user-pool`);
        const section = page.locator("#switching-to-a-real-user-pool");
        await expect(section.textContent()).resolves.toBe("Switching to a real user pool");
        await expect(page.locator("section", { has: section }).textContent()).resolves.toContain("COGNITO_DOMAIN");
        await audit(page, `dev-readme-${label}`);
        await context.close();
      },
      BROWSER_TEST_TIMEOUT_MS,
    );
  }
});

describe("the production home page", () => {
  const app = suiteApp({ env: { NODE_ENV: "production", COGNITO_DOMAIN: inject("emulatorUrl") } });

  it("is the plain public page: no demo block, no demo passwords, no README route", async () => {
    const jar = new CookieJar();
    const home = await jar.fetch(`${app.url}/`);
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('data-testid="auth-state"');
    expect(html).not.toContain("local-guide");
    expect(html).not.toContain("Try it locally");
    expect(html).not.toContain("DemoPassw0rd!");
    expect(html).not.toContain("demo@example.com");
    expect((await jar.fetch(`${app.url}/dev/readme`)).status).toBe(404);

    const signedIn = await signInWithForm(app.url, "demo@example.com", "DemoPassw0rd!");
    const mine = await (await signedIn.fetch(`${app.url}/`)).text();
    expect(mine).toContain("You are signed in as <!-- -->demo@example.com");
    expect(mine).not.toContain("local-guide");
    expect(mine).not.toContain("admin@example.com");
  });
});

describe("the browser bundle", () => {
  it("carries none of the seed's data: the demo accounts reach the page only through the loader", () => {
    // The global setup's production build; the development build is made the same way.
    const dir = path.join(ROOT, "public/build");
    const files = fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const code = fs.readFileSync(path.join(dir, file), "utf8");
      for (const user of SEED_USERS) {
        expect(code, file).not.toContain(user.password);
        expect(code, file).not.toContain(user.demonstrates);
      }
    }
  });
});
