import { describe, expect, inject, it } from "vitest";
import { audit } from "../support/browser.ts";
import { suiteAppAndBrowser } from "../support/fixtures.ts";
import { TEST_CONFIRMATION_CODE } from "../support/global-setup.ts";

describe("the Hosted UI's email sign-in code, in Chromium", () => {
  const { app, browser } = suiteAppAndBrowser({ env: { COGNITO_DOMAIN: inject("emulatorUrl") } });

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
