import path from "node:path";
import { defineConfig } from "vitest/config";
import BrowserFilesTakeTurns from "./test/support/sequencer";

// Two projects: `npm run test:unit` runs only "unit" (pure code, no emulator,
// no build: seconds); `npm test` runs both.
//
// Two workers even on a 2-core machine (Vitest's default there is one): the
// integration files spend most of their time waiting on other processes (the
// emulator, the app under test, Chromium), so a second file overlaps that wait.
// Measured on 2 cores: `npm test` 383 s with one worker, 272 s with two.
export default defineConfig({
  resolve: {
    alias: { "~": path.resolve(__dirname, "app") },
  },
  test: {
    setupFiles: ["test/support/console-guard.ts"],
    pool: "forks",
    maxWorkers: 2,
    sequence: { sequencer: BrowserFilesTakeTurns },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    projects: [
      {
        extends: true,
        // Pure code: worker threads start faster than forked processes
        // (16 s → 11 s for the unit project on 2 cores).
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], pool: "threads" },
      },
      {
        extends: true,
        test: {
          // Integration (HTTP against the real emulator) and e2e (Chromium) share
          // one global setup: one emulator (fresh data dir, free port), seeded,
          // and one production build of the app for the whole run; each test
          // file starts its own app process(es) against them, so two files can
          // run at once: each creates its own users (and its own pools or
          // clients for anything it reconfigures), and files that stop or
          // restart an emulator start their own (test/support/own-emulator.ts).
          name: "integration",
          // A worker keeps its module cache from one file to the next (the AWS
          // SDK, playwright, the test harness load once per worker, not once
          // per file): 321 s → 300 s for `npm test` on 2 cores. These files
          // drive other processes over HTTP and keep no module state between
          // files; one that fakes timers restores them in a finally.
          isolate: false,
          include: ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
    ],
  },
});
