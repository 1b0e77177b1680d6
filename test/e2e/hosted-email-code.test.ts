/**
 * The emulator's Hosted UI "Email me a code" in Chromium, as a person uses it:
 * the sign-in page's second button, the code page, back in the app signed in. The pages have no JavaScript at all (their CSP allows none),
 * so this is also the no-JavaScript path. axe: no serious or critical
 * violations at desktop and phone widths.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RunningApp, startApp } from "../support/app.ts";
import { audit, launchBrowser } from "../support/browser.ts";
import { TEST_CONFIRMATION_CODE } from "../support/global-setup.ts";

describe("the Hosted UI's email sign-in code, in Chromium", () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp({ env: { COGNITO_DOMAIN: inject("emulatorUrl") } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  for (const [label, width] of [
    ["desktop", 1280],
    ["mobile", 375],
  ] as const) {
    it(`signs in with an emailed code, every page axe-clean (${label})`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${app.url}/login`);
      await page.waitForURL(/\/login\?/);
      expect(page.url().startsWith(inject("emulatorUrl"))).toBe(true);
      await audit(page, `hosted-login-email-code-${label}`);

      await page.getByLabel("Email").fill("demo@example.com");
      await page.getByRole("button", { name: "Email me a code" }).click();
      await page.getByRole("heading", { name: "Enter your sign-in code" }).waitFor();
      await expect(page.getByText("We emailed a sign-in code to d***@e***.").count()).resolves.toBe(1);
      await audit(page, `hosted-email-code-${label}`);

      // A wrong code first: the error is announced and tied to the field.
      await page.getByLabel("Sign-in code", { exact: true }).fill("999999");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").waitFor();
      await audit(page, `hosted-email-code-error-${label}`);

      // The test emulator fixes every code (CODE), the gateway's too.
      await page.getByLabel("Sign-in code", { exact: true }).fill(TEST_CONFIRMATION_CODE);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${app.url}/dashboard`);
      await expect(page.getByTestId("email").textContent()).resolves.toBe("demo@example.com");
      await expect(page.getByTestId("flow").textContent()).resolves.toBe("Cognito Hosted UI");
      await context.close();
    });
  }
});
