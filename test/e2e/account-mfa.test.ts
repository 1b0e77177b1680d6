/**
 * TOTP enrolment and the sign-in that follows, in Chromium: a fresh user
 * turns on two-step verification on /account/mfa (reading the secret off the
 * page, as someone typing it into an app would), signs out, and signs in
 * again with a code. Screenshots of each page at desktop and phone widths.
 */
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { totpCode } from "../../scripts/lib/seed.ts";
import { screenshot } from "../support/browser.ts";
import { suiteAppAndBrowser } from "../support/fixtures.ts";
import { addUser } from "../support/users.ts";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 740 };

/** Saves the page at desktop and phone widths, returning to desktop. */
async function screenshots(page: Page, name: string) {
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-mobile`);
  await page.setViewportSize(DESKTOP);
}

describe("TOTP enrolment and sign-in with a real browser (Chromium)", () => {
  const { app, browser } = suiteAppAndBrowser();

  it("enrols an authenticator on /account/mfa, then signs in with a code", { timeout: 60_000 }, async () => {
    const email = `browser-mfa-${randomUUID().slice(0, 8)}@example.com`;
    const password = "Browser-Passw0rd!";
    await addUser({ email, password, name: "Browser Person" });

    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    // Fail a step with its own message rather than the whole test's timeout.
    page.setDefaultTimeout(8_000);
    // Script errors and hydration warnings in the page fail the test too.
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // (The app has no favicon yet: Chromium's request for it is not ours to judge.)
    page.on("console", (message) => {
      const where = message.location().url;
      if (message.type() !== "error" || where.endsWith("/favicon.ico")) return;
      pageErrors.push(`${message.text()} @ ${where}`);
    });

    const signIn = async () => {
      await page.goto(`${app.url}/login`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
    };

    await signIn();
    await page.waitForURL(`${app.url}/dashboard`);
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();

    await page.goto(`${app.url}/account`);
    await page.getByRole("heading", { level: 1, name: "Your account" }).waitFor();
    await expect(page.getByTestId("profile-email").textContent()).resolves.toBe(email);
    await expect(page.getByTestId("profile-name").textContent()).resolves.toBe("Browser Person");
    await screenshots(page, "account-profile");

    await page.getByRole("link", { name: "Two-step verification" }).click();
    await page.waitForURL(`${app.url}/account/mfa`);
    // Client-side navigation: the URL can change before the new page renders.
    await page.getByRole("heading", { level: 1, name: "Two-step verification" }).waitFor();
    await expect(page.getByTestId("mfa-status").textContent()).resolves.toBe("Off");
    await page.getByRole("button", { name: "Set up authenticator app" }).click();

    const qr = page.getByRole("img", { name: "QR code for adding remix-cognito to your authenticator app" });
    await qr.waitFor();
    const box = await qr.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(150); // big enough to scan
    expect(await qr.locator("svg").count()).toBe(1);
    await screenshots(page, "account-mfa-setup");

    const shown = (await page.getByTestId("totp-secret").textContent()) ?? "";
    expect(shown).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const secret = shown.replace(/\s+/g, "");
    await page.getByLabel("Code from your authenticator app", { exact: true }).fill(totpCode(secret));
    await page.getByRole("button", { name: "Verify and turn on" }).click();
    await page.waitForURL(`${app.url}/account/mfa?notice=mfa-enabled`);
    await page.getByRole("status").filter({ hasText: "Two-step verification is on." }).waitFor();
    await expect(page.getByTestId("mfa-status").textContent()).resolves.toBe("On");
    expect(await page.getByTestId("totp-secret").count()).toBe(0);
    await screenshots(page, "account-mfa-enabled");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${app.url}/`);
    await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" }).waitFor();

    await signIn();
    await page.waitForURL(`${app.url}/login/mfa`);
    await page.getByRole("heading", { level: 1, name: "Two-step verification" }).waitFor();
    await screenshots(page, "login-mfa");
    await page.getByLabel("Code", { exact: true }).fill(totpCode(secret));
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await page.waitForURL(`${app.url}/dashboard`);
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    await expect(page.getByTestId("email").textContent()).resolves.toBe(email);

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
