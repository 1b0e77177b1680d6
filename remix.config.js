/**
 * Remix v2, classic (esbuild) compiler. Every v3 future flag is on so the
 * build prints no future-flag warnings and the app is ready for React Router 7.
 *
 * Pages are the files in app/routes. Two kinds of route live elsewhere and
 * are declared in `routes` below, at the URLs the browser code calls:
 *  - app/resources: JSON for the pages' own scripts (the passkey ceremonies),
 *    not pages;
 *  - app/bench: what `npm run bench` compares /dashboard against and reads
 *    counters from. Only a build made with BENCH_ROUTES=1 has them (the bench
 *    and the tests build that way; `npm run build` does not), and even there
 *    they answer 404 unless the server also runs with BENCH_ROUTES=1.
 *
 * @type {import('@remix-run/dev').AppConfig}
 */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  routes: (defineRoutes) => defineConfiguredRoutes(defineRoutes),
  serverModuleFormat: "esm",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    v3_lazyRouteDiscovery: true,
  },
};

/**
 * The routes outside app/routes (see above), for this build's environment.
 *
 * @param {import('@remix-run/dev').UNSAFE_DefineRoutesFunction} defineRoutes
 * @param {Record<string, string | undefined>} [env]
 */
export function defineConfiguredRoutes(defineRoutes, env = process.env) {
  return defineRoutes((route) => {
    route("login/passkey", "resources/passkey-sign-in.ts");
    route("account/passkeys/register", "resources/passkey-registration.ts");
    if (env.BENCH_ROUTES === "1") {
      route("bench/dashboard", "bench/dashboard.tsx");
      route("bench/stats", "bench/stats.ts");
    }
  });
}
