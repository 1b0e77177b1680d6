/**
 * What a block of tests needs running — the app, Chromium, a gateway stack — in one line at the
 * top of the `describe` (or the file), started before its first test and stopped after its last:
 *
 *   const app = suiteApp({ env: { COGNITO_USER_AUTH: "1" } });
 *   const { app, browser } = suiteAppAndBrowser();
 *   it("signs in", async () => { await fetch(`${app.url}/login`); });
 *
 * Not vitest's `test.extend`: its shared fixtures live for a whole file (or worker), and most of
 * these files start a differently configured app for each describe block.
 *
 * The value returned stands in for the real one until it has started: read it inside tests and
 * hooks, not while the tests are being collected (it says so if you do).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type RunningApp, type StartAppOptions, startApp } from "./app.ts";
import { launchBrowser } from "./browser.ts";

/**
 * `start`'s value for the tests of the enclosing describe block (or file), `stop`ped after them.
 * `what` names it in the error for a read before it has started.
 */
export function suiteFixture<T extends object>(what: string, start: () => Promise<T>, stop: (value: T) => unknown): T {
  const holder: { value?: T } = {};
  beforeAll(async () => {
    holder.value = await start();
  });
  afterAll(async () => {
    if (holder.value) await stop(holder.value);
  });
  return standIn(what, holder);
}

/** Options, or a function that works them out before the app starts (e.g. after creating a client). */
type AppOptions = StartAppOptions | (() => Promise<StartAppOptions>);

const optionsOf = async (options: AppOptions | undefined) =>
  typeof options === "function" ? options() : (options ?? {});

/** The production build against the run's emulator (./app.ts) for these tests. */
export function suiteApp(options?: AppOptions): RunningApp {
  return suiteFixture(
    "the app",
    async () => startApp(await optionsOf(options)),
    (app) => app.stop(),
  );
}

/** The app and Chromium for these tests, started side by side. */
export function suiteAppAndBrowser(options?: AppOptions): { app: RunningApp; browser: Browser } {
  const holder: { app?: RunningApp; browser?: Browser } = {};
  beforeAll(async () => {
    // Both settle before either is kept, so a failure leaves nothing running behind.
    const [app, browser] = await Promise.allSettled([optionsOf(options).then(startApp), launchBrowser()]);
    if (app.status === "fulfilled") holder.app = app.value;
    if (browser.status === "fulfilled") holder.browser = browser.value;
    if (app.status === "rejected") throw app.reason;
    if (browser.status === "rejected") throw browser.reason;
  });
  afterAll(async () => {
    await holder.browser?.close();
    await holder.app?.stop();
  });
  return {
    app: standIn("the app", {
      get value() {
        return holder.app;
      },
    }),
    browser: standIn("the browser", {
      get value() {
        return holder.browser;
      },
    }),
  };
}

/** Forwards to `holder.value` once it is set; before that, any read throws saying why. */
function standIn<T extends object>(what: string, holder: { readonly value?: T }): T {
  const real = (): T => {
    if (!holder.value) throw new Error(`${what} starts before the first test: use it inside a test or hook`);
    return holder.value;
  };
  return new Proxy({} as T, {
    get(_, key) {
      // Not a promise: `await` and test reporters may look for `then` before anything started.
      if (key === "then" && !holder.value) return undefined;
      const value = Reflect.get(real(), key);
      return typeof value === "function" ? value.bind(real()) : value;
    },
    has: (_, key) => Reflect.has(real(), key),
  });
}
