import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { audit, screenshot } from "../support/browser.ts";
import { suiteAppAndBrowser } from "../support/fixtures.ts";

describe("browser smoke test (Chromium)", () => {
  const { app, browser } = suiteAppAndBrowser();

  it("opens the home page and takes a screenshot", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const response = await page.goto(`${app.url}/`);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe("remix-cognito");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("remix-cognito");
    const file = await screenshot(page, "smoke-home-desktop");
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
  });

  // The audit helper runs axe itself (test/support/browser.ts): it must still see a violation on
  // the app's own pages, under their CSP, both when it injects axe into a page and when the
  // context's init script has already loaded it.
  it("the accessibility audit fails on a serious violation, whether it injected axe or found it loaded", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const addImageWithoutAlt = () =>
      page.evaluate(() => document.body.insertAdjacentHTML("beforeend", '<img src="/no-such-image.png">'));
    for (const path of ["/", "/login"]) {
      await page.goto(`${app.url}${path}`);
      await audit(page, `smoke-audit${path.replace("/", "-")}`);
      await addImageWithoutAlt();
      await expect(audit(page, "smoke-audit-broken")).rejects.toMatchObject({
        actual: [expect.stringMatching(/^image-alt: /)],
      });
    }
    await context.close();
  });
});
