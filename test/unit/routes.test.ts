/**
 * The route table as remix.config.js builds it: the bench's routes only in a
 * build made with BENCH_ROUTES=1, the JSON endpoints at the URLs the browser
 * code calls, and every account page inside the account layout.
 */
import path from "node:path";
import { UNSAFE_defineRoutes, UNSAFE_flatRoutes, type UNSAFE_RouteManifest } from "@remix-run/dev";
import { describe, expect, it } from "vitest";
import { withoutNotice } from "~/components/account-form";
import config, { defineConfiguredRoutes } from "../../remix.config.js";
import { ROOT } from "../../scripts/lib/root.ts";

function routeTable(env: Record<string, string | undefined>): UNSAFE_RouteManifest {
  return {
    ...UNSAFE_flatRoutes(path.join(ROOT, "app"), config.ignoredRouteFiles),
    ...defineConfiguredRoutes(UNSAFE_defineRoutes, env),
  };
}

const byPath = (routes: UNSAFE_RouteManifest) =>
  Object.fromEntries(Object.values(routes).map((r) => [`${r.path ?? ""}${r.index ? " (index)" : ""}`, r]));

describe("the route table", () => {
  it("has the bench's routes only when built with BENCH_ROUTES=1", () => {
    const bench = (routes: UNSAFE_RouteManifest) =>
      Object.values(routes)
        .filter((r) => r.file.startsWith("bench/") || r.path?.startsWith("bench"))
        .map((r) => r.path);
    expect(bench(routeTable({}))).toEqual([]);
    expect(bench(routeTable({ BENCH_ROUTES: "0" }))).toEqual([]);
    expect(bench(routeTable({ BENCH_ROUTES: "1" })).sort()).toEqual(["bench/api-me", "bench/dashboard", "bench/stats"]);
  });

  it("serves the passkey JSON endpoints from app/resources at the URLs the browser code calls", () => {
    const routes = byPath(routeTable({}));
    expect(routes["login/passkey"]).toMatchObject({ file: "resources/passkey-sign-in.ts", parentId: "root" });
    expect(routes["account/passkeys/register"]).toMatchObject({
      file: "resources/passkey-registration.ts",
      parentId: "root",
    });
  });

  it("serves the JSON API from app/api under /api, and nothing else there: no page can be reached at an API path", () => {
    const routes = Object.values(routeTable({ BENCH_ROUTES: "1" }));
    const underApi = routes.filter((r) => /^api(\/|$)/i.test(r.path ?? ""));
    expect(Object.fromEntries(underApi.map((r) => [r.path, r.file]))).toEqual({
      "api/v1/me": "api/me.ts",
      "api/v1/users": "api/users.ts",
      "api/v1/users/:username/sign-out": "api/user-sign-out.ts",
      "api/*": "api/not-found.ts",
    });
    for (const route of underApi) expect(route.parentId, route.path).toBe("root");
    expect(routes.filter((r) => r.file.startsWith("api/") && !underApi.includes(r))).toEqual([]);
  });

  it("puts every account page inside the account layout, the profile as its index", () => {
    const routes = routeTable({});
    expect(routes["routes/account"]).toMatchObject({ path: "account", parentId: "root" });
    const pages = Object.values(routes).filter((r) => r.parentId === "routes/account");
    expect(pages.map((r) => `${r.path ?? ""}${r.index ? "(index)" : ""}`).sort()).toEqual([
      "(index)",
      "mfa",
      "passkeys",
      "password",
      "sessions",
      "sign-in-methods",
    ]);
  });
});

describe("AccountForm's action", () => {
  it("drops the notice a previous change left in the address, and keeps everything else", () => {
    expect(withoutNotice("/account?index&notice=name-updated")).toBe("/account?index");
    expect(withoutNotice("/account/mfa?notice=mfa-enabled")).toBe("/account/mfa");
    expect(withoutNotice("/account/sessions?a=1&notice=ended&b=2")).toBe("/account/sessions?a=1&b=2");
    expect(withoutNotice("/account/password")).toBe("/account/password");
    expect(withoutNotice("/account?index")).toBe("/account?index");
  });
});
