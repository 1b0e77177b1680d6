import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { ROOT } from "../../scripts/lib/root.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";

/** Every route module with an action, found on disk: a new one cannot skip the CSRF check unnoticed. */
function actionRoutes(): string[] {
  const dir = path.join(ROOT, "app/routes");
  return fs
    .readdirSync(dir)
    .filter((f) => /export (async function|const) action\b/.test(fs.readFileSync(path.join(dir, f), "utf8")))
    .map((f) => {
      const base = f.replace(/\.tsx?$/, "");
      if (base === "_index") return "/";
      return (
        "/" +
        base
          .split(".")
          .map((seg) => seg.replace(/_$/, ""))
          .join("/")
      );
    });
}

describe("CSRF: state-changing requests from other sites are refused", () => {
  const app = suiteApp();
  let jar: CookieJar;
  beforeAll(async () => {
    jar = await signInWithForm(app.url, "demo@example.com", "DemoPassw0rd!");
  });

  it("finds the actions to test", () => {
    expect(actionRoutes()).toEqual(expect.arrayContaining(["/login", "/logout", "/signup", "/confirm", "/login/mfa"]));
  });

  const hostile: [string, Record<string, string>][] = [
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "Sec-Fetch-Site": "same-site" }],
    ["a foreign Origin", { Origin: "https://evil.example" }],
    ["Origin: null (sandboxed frame)", { Origin: "null" }],
    ["a foreign Referer only", { Referer: "https://evil.example/page" }],
  ];

  for (const [label, headers] of hostile) {
    it(`refuses ${label} on every action with 403 and a clear page`, async () => {
      for (const route of actionRoutes()) {
        const res = await jar.post(
          `${app.url}${route}`,
          { username: "demo@example.com", password: "DemoPassw0rd!" },
          { headers },
        );
        expect(res.status, route).toBe(403);
        expect(await res.text(), route).toContain("sent from another site");
      }
      // Still signed in: nothing changed (logout was refused too).
      expect((await jar.fetch(`${app.url}/dashboard`)).status).toBe(200);
    });
  }

  it("refuses before Remix runs: a plain, self-contained 403 page with its own strict CSP", async () => {
    const res = await fetch(`${app.url}/logout`, {
      method: "POST",
      headers: { Origin: "https://evil.example" },
      redirect: "manual",
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(app.output()).not.toMatch(/Aborting the action|Error:/);
  });

  it("accepts the app's own pages (same-origin fetch metadata, or our Origin)", async () => {
    const a = await new CookieJar().post(
      `${app.url}/login`,
      { username: "demo@example.com", password: "DemoPassw0rd!" },
      { headers: { "Sec-Fetch-Site": "same-origin" } },
    );
    expectRedirect(a, "/dashboard");
    const b = await new CookieJar().post(
      `${app.url}/login`,
      { username: "demo@example.com", password: "DemoPassw0rd!" },
      { headers: { Origin: app.url } },
    );
    expectRedirect(b, "/dashboard");
  });
});

describe("security headers", () => {
  const app = suiteApp({ env: { COGNITO_DOMAIN: inject("emulatorUrl") } });

  it("every HTML page carries a nonce-based CSP and the other headers", async () => {
    for (const pagePath of ["/", "/login?flow=custom", "/signup", "/no-such-page"]) {
      const res = await fetch(`${app.url}${pagePath}`);
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
      expect(nonce, pagePath).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self' 'nonce-");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain(`form-action 'self' ${inject("emulatorUrl")}`);
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Referrer-Policy")).toBe("same-origin");
      expect(res.headers.get("Strict-Transport-Security")).toMatch(/max-age=\d+/); // production build
      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, pagePath).toContain(`nonce="${nonce}"`);
    }
  });

  it("uses a fresh nonce for each response", async () => {
    const a = (await fetch(`${app.url}/`)).headers.get("Content-Security-Policy");
    const b = (await fetch(`${app.url}/`)).headers.get("Content-Security-Policy");
    expect(a).not.toBe(b);
  });

  it("warns loudly at start-up when a production app talks to an emulator", () => {
    expect(app.output()).toMatch(/WARNING \[auth\] COGNITO_ENDPOINT=.*emulator/);
  });
});
