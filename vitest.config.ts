import path from "node:path";
import { defineConfig } from "vitest/config";

// Two projects: `npm run test:unit` runs only "unit" (pure code, no emulator,
// no build: seconds); `npm test` runs both.
export default defineConfig({
  resolve: {
    alias: { "~": path.resolve(__dirname, "app") },
  },
  test: {
    setupFiles: ["test/support/console-guard.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          // Integration (HTTP against the real emulator) and e2e (Chromium) share
          // one global setup: one emulator (fresh data dir, free port), seeded,
          // and one production build of the app for the whole run; each test
          // file starts its own app process(es) against them.
          name: "integration",
          include: ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
    ],
  },
});
