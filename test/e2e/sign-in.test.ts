import { describe, expect, inject, it } from "vitest";
import { screenshot } from "../support/browser.ts";
import { suiteAppAndBrowser } from "../support/fixtures.ts";

describe("signing in with a real browser (Chromium)", () => {
  const { app, browser } = suiteAppAndBrowser({ env: { COGNITO_DOMAIN: inject("emulatorUrl") } });

  it("through the app's form lands on the dashboard", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/login?flow=custom`);
    await screenshot(page, "sign-in-form-desktop");
    await page.getByLabel("Email").fill("demo@example.com");
    await page.getByLabel("Password").fill("DemoPassw0rd!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${app.url}/dashboard`);
    await expect(page.getByTestId("email").textContent()).resolves.toBe("demo@example.com");
    await expect(page.getByTestId("flow").textContent()).resolves.toBe("the app's sign-in form");
    await screenshot(page, "sign-in-form-dashboard-desktop");
    await context.close();
  });

  it("through the Cognito Hosted UI lands on the dashboard", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/login?redirectTo=%2Fadmin`);
    // Now on the emulator's Hosted UI page.
    await page.waitForURL(/\/login\?/);
    expect(page.url().startsWith(inject("emulatorUrl"))).toBe(true);
    await screenshot(page, "sign-in-hosted-ui-desktop");
    await page.locator('input[name="username"]').fill("admin@example.com");
    await page.locator('input[name="password"]').fill("AdminPassw0rd!");
    await page.locator('button[type="submit"], input[type="submit"]').first().click();
    await page.waitForURL(`${app.url}/admin`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Admin");
    await page.goto(`${app.url}/dashboard`);
    await expect(page.getByTestId("flow").textContent()).resolves.toBe("Cognito Hosted UI");
    await screenshot(page, "sign-in-hosted-dashboard-desktop");
    await context.close();
  });

  it("signing out after a Hosted UI sign-in and then a form sign-in ends the Hosted UI session too: the next person gets the password page", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/login?redirectTo=%2Fdashboard`);
    await page.waitForURL(/\/login\?/);
    await page.locator('input[name="username"]').fill("demo@example.com");
    await page.locator('input[name="password"]').fill("DemoPassw0rd!");
    await page.locator('button[type="submit"]').first().click();
    await page.waitForURL(`${app.url}/dashboard`);
    // The same browser signs in again with the app's own form, as step-up's "sign in again" does.
    await page.goto(`${app.url}/login?reauth=1&redirectTo=%2Fdashboard`);
    await page.getByLabel("Email").fill("demo@example.com");
    await page.getByLabel("Password").fill("DemoPassw0rd!");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${app.url}/dashboard`);
    await expect(page.getByTestId("flow").textContent()).resolves.toBe("the app's sign-in form");

    // The header's "Sign out".
    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${app.url}/`);

    // The next person at this computer: "Continue with Cognito Hosted UI" asks for a password.
    await page.goto(`${app.url}/login?flow=custom`);
    await page.getByRole("link", { name: "Continue with Cognito Hosted UI" }).click();
    await page.waitForURL(/\/login\?/);
    expect(page.url().startsWith(`${inject("emulatorUrl")}/login?`)).toBe(true);
    await expect(page.locator('input[name="password"]').count()).resolves.toBe(1);
    await context.close();
  });
});
