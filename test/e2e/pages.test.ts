/**
 * Every page people meet in the flows, in Chromium at desktop and phone
 * widths: a screenshot of each (screenshots/, git-ignored) and an axe
 * accessibility scan that must find no serious or critical violations.
 * Plus sign-in by keyboard alone, and sign-in with JavaScript turned off.
 */

import { AdminCreateUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { adminClient } from "../support/app.ts";
import { audit, screenshot } from "../support/browser.ts";
import { suiteAppAndBrowser } from "../support/fixtures.ts";

// Each test audits up to a dozen pages (a page load and an axe run each, about
// 1.3 s apiece on a quiet 2-core machine); beside another test file on the
// same 2 cores that can pass vitest's default 30 s (a budget, not a timed
// assertion).
const BROWSER_TEST_TIMEOUT_MS = 120_000;

const WIDTHS = [
  ["desktop", 1280],
  ["mobile", 375],
] as const;

async function signIn(page: Page, appUrl: string, email: string, password: string) {
  await page.goto(`${appUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  // Exact: "Sign in with a passkey" is a button on the same form.
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

describe("every page: screenshots and accessibility (axe)", { timeout: BROWSER_TEST_TIMEOUT_MS }, () => {
  // Choice-based sign-in on (as `npm run dev` has it): the email-code and passkey pages exist.
  const { app, browser } = suiteAppAndBrowser({
    env: { NODE_ENV: "production", COGNITO_USER_AUTH: "1" },
    client: { userAuth: true },
  });

  for (const [label, width] of WIDTHS) {
    it(`signed-out pages (${label})`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      for (const [name, path] of [
        ["home", "/"],
        ["login", "/login"],
        ["signup", "/signup"],
        ["confirm", "/confirm?username=someone%40example.com"],
        ["signup-email", "/signup/email"],
        ["forgot-password", "/forgot-password"],
        ["reset-password", "/reset-password?username=someone%40example.com&notice=sent"],
        ["not-found", "/no-such-page"],
      ] as const) {
        await page.goto(`${app.url}${path}`);
        await audit(page, `${name}-${label}`);
      }
      // A failed sign-in: error summary focused, field marked.
      await signIn(page, app.url, "demo@example.com", "Wrong-Passw0rd!");
      await page.getByRole("alert").waitFor();
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("form-error");
      await audit(page, `login-error-${label}`);

      // The pages behind a form post: the emailed sign-in code (a wrong code too), and a passwordless sign-up's code.
      // (/login/passkey has no page: the sign-in page's script talks JSON to it.)
      await page.goto(`${app.url}/login`);
      await page.getByLabel("Email").fill("demo@example.com");
      await page.getByRole("button", { name: "Email me a code" }).click();
      await page.waitForURL(`${app.url}/login/code`);
      await audit(page, `login-code-${label}`);
      await page.getByLabel("Code").fill("000000");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByText("That code is not correct").waitFor();
      await audit(page, `login-code-error-${label}`);
      await page.goto(`${app.url}/signup/email`);
      await page.getByLabel("Email").fill(`a11y-signup-${label}-${Date.now()}@example.com`);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.waitForURL(`${app.url}/signup/code`);
      await audit(page, `signup-code-${label}`);
      await context.close();
    });

    it(`signed-in pages (${label})`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await signIn(page, app.url, "admin@example.com", "AdminPassw0rd!");
      await page.waitForURL(`${app.url}/dashboard`);
      for (const [name, path] of [
        ["dashboard", "/dashboard"],
        ["admin", "/admin"],
        ["account", "/account"],
        ["account-password", "/account/password"],
        ["account-mfa", "/account/mfa"],
        ["account-passkeys", "/account/passkeys"],
        ["logout", "/logout"],
      ] as const) {
        await page.goto(`${app.url}${path}`);
        await audit(page, `${name}-${label}`);
      }
      await context.close();
      // 403 as a member of "users" only
      const userContext = await browser.newContext({ viewport: { width, height: 800 } });
      const userPage = await userContext.newPage();
      await signIn(userPage, app.url, "demo@example.com", "DemoPassw0rd!");
      await userPage.waitForURL(`${app.url}/dashboard`);
      const res = await userPage.goto(`${app.url}/admin`);
      expect(res?.status()).toBe(403);
      await audit(userPage, `forbidden-${label}`);
      await userContext.close();
    });

    it(`the new-password step (${label})`, async () => {
      const email = `a11y-newhire-${label}-${Date.now()}@example.com`;
      await adminClient().send(
        new AdminCreateUserCommand({
          UserPoolId: inject("userPoolId"),
          Username: email,
          TemporaryPassword: "TempPassw0rd!",
          MessageAction: "SUPPRESS",
        }),
      );
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await signIn(page, app.url, email, "TempPassw0rd!");
      await page.waitForURL(`${app.url}/login/new-password`);
      await audit(page, `new-password-${label}`);
      await context.close();
    });
  }
});

describe("sign-in without a mouse, and without JavaScript", { timeout: BROWSER_TEST_TIMEOUT_MS }, () => {
  const { app, browser } = suiteAppAndBrowser();
  let context: BrowserContext | undefined;
  afterAll(async () => {
    await context?.close();
  });

  it("keyboard only: Tab to each field, type, Enter", async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    // Tab from the top of the page until the email field has focus.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id)) !== "username"; i++) {
      await page.keyboard.press("Tab");
    }
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("username");
    await page.keyboard.type("demo@example.com");
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("password");
    await page.keyboard.type("DemoPassw0rd!");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.url}/dashboard`);
    await expect(page.getByTestId("email").textContent()).resolves.toBe("demo@example.com");
    await screenshot(page, "keyboard-sign-in-dashboard");
    await context.close();
    context = undefined;
  });

  it("JavaScript disabled: the plain form post signs in, and errors still show", async () => {
    context = await browser.newContext({ viewport: { width: 375, height: 800 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    await expect(page.locator("button.toggle").count()).resolves.toBe(0); // no dead show/hide button
    await page.getByLabel("Email").fill("demo@example.com");
    await page.getByLabel("Password").fill("Wrong-Passw0rd!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Incorrect username or password.");
    await page.getByLabel("Password").fill("DemoPassw0rd!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${app.url}/dashboard`);
    await expect(page.getByTestId("email").textContent()).resolves.toBe("demo@example.com");
    await screenshot(page, "no-js-sign-in-dashboard");
  });
});
