/**
 * Remix v2, classic (esbuild) compiler. Every v3 future flag is on so the
 * build prints no future-flag warnings and the app is ready for React Router 7.
 *
 * Pages are the files in app/routes. Three kinds of route live elsewhere and
 * are declared in `routes` below, at the URLs their callers use:
 *  - app/resources: JSON for the pages' own scripts (the passkey ceremonies),
 *    not pages;
 *  - app/api: the JSON API for other apps and machines, under /api/v1
 *    (bearer tokens only: docs/decisions/021-bearer-api.md); anything else
 *    under /api is its JSON 404, never a page;
 *  - app/bench: what `npm run bench` compares /dashboard and /api/v1/me
 *    against and reads counters from. Only a build made with BENCH_ROUTES=1 has them (the bench
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
    route("api/v1/me", "api/me.ts");
    route("api/v1/users", "api/users.ts");
    route("api/v1/users/:username/sign-out", "api/user-sign-out.ts");
    route("api/*", "api/not-found.ts");
    if (env.BENCH_ROUTES === "1") {
      route("bench/dashboard", "bench/dashboard.tsx");
      route("bench/stats", "bench/stats.ts");
      route("bench/api-me", "bench/api-me.ts");
    }
  });
}
