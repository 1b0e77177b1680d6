import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "~": path.resolve(__dirname, "app") },
  },
  test: {
    include: ["test/**/*.test.ts"],
    // One emulator (fresh data dir, free port), seeded, and one production
    // build of the app for the whole run; each test file starts its own app
    // process(es) against them.
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/console-guard.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
