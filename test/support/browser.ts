/**
 * Playwright (playwright-core) driving Debian's Chromium: no browser download.
 * Screenshots go to the git-ignored `screenshots/` folder.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { AxeResults, RunOptions } from "axe-core";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { ROOT } from "../../scripts/lib/root.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.join(ROOT, "screenshots");

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in a container needs --no-sandbox; the rest keep Chromium from
    // calling out to a network that is closed here.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** Browser contexts whose pages already load axe with every document. */
const axeContexts = new WeakSet<BrowserContext>();

/**
 * Runs axe-core in the page, as @axe-core/playwright does, but loads it with
 * each document (a CDP init script, which the app's CSP does not apply to)
 * instead of injecting it for each scan and finishing the run in a new blank
 * page: 135 ms per scan instead of 700 ms on 2 cores, over about 60 scans.
 * The page's first scan injects axe itself; the context's next pages have it.
 */
async function runAxe(page: Page, options: RunOptions): Promise<AxeResults> {
  const context = page.context();
  if (!axeContexts.has(context)) {
    axeContexts.add(context);
    await context.addInitScript(AXE_SOURCE);
  }
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    (options) => (window as unknown as { axe: typeof import("axe-core") }).axe.run(document, options),
    options,
  );
}

/**
 * A screenshot of the page, then an axe scan that must find no serious or
 * critical violations (the failure names each rule and the elements it
 * flagged). Only violations are collected: the details of passing rules
 * cost time and are never read.
 */
export async function audit(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const results = await runAxe(page, { resultTypes: ["violations"] });
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    `${name} at ${page.url()}`,
  ).toEqual([]);
}
