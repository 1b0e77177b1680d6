/**
 * "Where you're signed in" in Chromium: one person signed in in two browser contexts (two
 * devices); from the first one's session list they end the second, which is then signed out on
 * its next page. The list is axe-clean (no serious or critical violations) at desktop and phone
 * widths, as every page is (pages.test.ts).
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { audit } from "../support/browser.ts";
import { suiteAppAndBrowser } from "../support/fixtures.ts";
import { createUser, type TestUser } from "../support/users.ts";

const WIDTHS = [
  ["desktop", 1280],
  ["mobile", 375],
] as const;

const { app, browser } = suiteAppAndBrowser();

async function signIn(page: Page, user: TestUser) {
  await page.goto(`${app.url}/login`);
  await page.getByLabel("Email").fill(user.username);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${app.url}/dashboard`);
}

describe("the session list in Chromium", () => {
  for (const [label, width] of WIDTHS) {
    it(`ends the other device's session from this one's list (${label})`, { timeout: 120_000 }, async () => {
      const user = await createUser(`e2e-sessions-${label}`);
      const laptop = await browser.newContext({ viewport: { width, height: 900 } });
      const phone = await browser.newContext({ viewport: { width: 375, height: 800 } });
      try {
        const here = await laptop.newPage();
        const there = await phone.newPage();
        await signIn(here, user);
        await signIn(there, user);

        await here.goto(`${app.url}/account/sessions`);
        await here.getByTestId("session-current").getByText("This device").waitFor();
        expect(await here.getByTestId("session-current").count()).toBe(1);
        expect(await here.getByTestId("session").count()).toBe(1);
        await audit(here, `account-sessions-${label}`);

        await here
          .getByTestId("session")
          .getByRole("button", { name: /Sign out this session/ })
          .click();
        await here.waitForURL(`${app.url}/account/sessions?notice=ended`);
        expect(await here.getByRole("status").textContent()).toContain("That session has been signed out");
        expect(await here.getByTestId("session").count()).toBe(0);
        await audit(here, `account-sessions-ended-${label}`);

        // The other device is signed out on its next page.
        await there.goto(`${app.url}/dashboard`);
        await there.waitForURL(/\/login\?redirectTo=%2Fdashboard/);
        // This device is not.
        await here.goto(`${app.url}/dashboard`);
        expect(new URL(here.url()).pathname).toBe("/dashboard");
      } finally {
        await laptop.close();
        await phone.close();
      }
    });
  }
});
