import { describe, expect, it } from "vitest";
import { screenshot } from "../support/browser.ts";
import { suiteAppAndBrowser } from "../support/fixtures.ts";
import { TEST_CONFIRMATION_CODE } from "../support/global-setup.ts";

describe("sign-up and confirmation in a real browser (Chromium)", () => {
  const { app, browser } = suiteAppAndBrowser();

  for (const [label, width] of [
    ["desktop", 1280],
    ["mobile", 375],
  ] as const) {
    it(`creates, confirms and signs in to a new account (${label})`, async () => {
      const email = `browser-${label}-${Date.now()}@example.com`;
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${app.url}/signup`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Name (optional)").fill("Browser Person");
      await page.getByLabel("Password", { exact: true }).fill("weak");
      // The policy checklist reacts as you type.
      await expect(page.locator('.policy li[data-met="true"]').count()).resolves.toBe(1);
      await page.getByLabel("Password", { exact: true }).fill("Br0wser-Passw0rd!");
      await expect(page.locator('.policy li[data-met="true"]').count()).resolves.toBe(5);
      await page.getByLabel("Confirm password").fill("Br0wser-Passw0rd!");
      await screenshot(page, `signup-${label}`);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.waitForURL(/\/confirm\?/);
      await screenshot(page, `confirm-${label}`);
      await page.getByLabel("Confirmation code").fill(TEST_CONFIRMATION_CODE);
      await page.getByRole("button", { name: "Confirm account" }).click();
      await page.waitForURL(/\/login\?notice=confirmed/);
      // The URL changes as the client-side navigation starts: wait for the banner itself.
      await page.getByRole("status").filter({ hasText: "Your account is confirmed" }).waitFor();
      await screenshot(page, `login-after-confirm-${label}`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("Br0wser-Passw0rd!");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${app.url}/dashboard`);
      await expect(page.getByTestId("email").textContent()).resolves.toBe(email);
      await context.close();
    });
  }
});
