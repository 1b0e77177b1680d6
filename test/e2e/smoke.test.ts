import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../support/app.ts";
import { launchBrowser, screenshot } from "../support/browser.ts";

describe("browser smoke test (Chromium)", () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("opens the home page and takes a screenshot", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const response = await page.goto(`${app.url}/`);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe("remix-cognito");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("remix-cognito");
    const file = await screenshot(page, "smoke-home-desktop");
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
  });
});
