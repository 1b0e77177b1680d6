/**
 * Property, end to end through the app's own HTTP server: no spelling of the Authorization
 * header (scheme case, whitespace, separators), no header-name casing, no second Authorization
 * header and no token smuggled anywhere else (the URL, a cookie, another header) gets a request
 * past /api/v1/me, except exactly one `Bearer <valid token>` — and then as that token's user,
 * never the other one in the request. Requests go out over node:http with raw header lines, sent
 * as written (fetch, or a headers object, would merge and normalise them).
 */
import http from "node:http";
import fc from "fast-check";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { userAccessToken } from "../support/api.ts";
import { suiteApp } from "../support/fixtures.ts";
import { jwtClaims } from "../support/http.ts";
import { withTamperedPayload } from "../support/tokens.ts";
import { createUser } from "../support/users.ts";

const app = suiteApp(async () => ({
  env: {
    COGNITO_CLIENT_ID: inject("webClientId"),
    API_CLIENT_IDS: inject("webClientId"),
    RATE_LIMIT_API_USER_PER_MINUTE: "100000",
  },
}));

function get(path: string, headers: string[]): Promise<{ status: number; body: string; cookies: string[] }> {
  const url = new URL(app.url);
  return new Promise((resolve, reject) => {
    // A raw header list gets no Host from node:http, and the server needs one.
    const raw = ["Host", url.host, ...headers];
    const req = http.request({ host: url.hostname, port: url.port, path, method: "GET", headers: raw }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, cookies: res.headers["set-cookie"] ?? [] }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the bearer check, property-tested over real requests", () => {
  let a = "";
  let b = "";
  const subs = new Map<string, string>();
  beforeAll(async () => {
    for (const prefix of ["prop-a", "prop-b"]) {
      const token = (await userAccessToken(await createUser(prefix))).access;
      subs.set(token, jwtClaims(token).sub as string);
      if (prefix === "prop-a") a = token;
      else b = token;
    }
  });

  it("lets exactly one `Bearer <valid token>` through, as that token's user; anything else is a 400 or 401", async () => {
    const tokens = () =>
      fc.constantFrom(
        a,
        b,
        `${a}x`,
        withTamperedPayload(a, { sub: subs.get(b) }),
        `${a}, Bearer ${b}`,
        `${a} ${b}`,
        "",
      );
    const value = fc
      .tuple(
        fc.constantFrom("", " ", "\t"),
        fc.constantFrom("Bearer", "bearer", "BEARER", "bEaReR", "Basic", "Bearer:", ""),
        fc.constantFrom(" ", "  ", "\t", "", ","),
        tokens(),
        fc.constantFrom("", " ", "\t"),
      )
      .map((parts) => parts.join(""));
    const name = fc.constantFrom("Authorization", "authorization", "AUTHORIZATION", "aUtHoRiZaTiOn");
    const smuggled = fc.constantFrom("none", "query", "cookie", "header");
    const request = fc.record({
      authorizations: fc.uniqueArray(fc.tuple(name, value), { maxLength: 2, selector: ([n]) => n }),
      repeated: fc.boolean(),
      smuggled,
      smuggledToken: tokens(),
    });

    await fc.assert(
      fc.asyncProperty(request, async ({ authorizations, repeated, smuggled, smuggledToken }) => {
        // Raw header lines, in order and spelled as given (an object would merge names that differ in case).
        const headers: string[] = [];
        const sent: string[] = [];
        for (const [n, v] of authorizations) {
          // The same header twice under one spelling, or once under each of two spellings.
          for (const line of repeated ? [v, v] : [v]) {
            headers.push(n, line);
            sent.push(line);
          }
        }
        let path = "/api/v1/me";
        if (smuggled === "query") path += `?access_token=${encodeURIComponent(smuggledToken)}`;
        if (smuggled === "cookie") headers.push("Cookie", `access_token=${smuggledToken}; token=${smuggledToken}`);
        if (smuggled === "header") headers.push("X-Access-Token", smuggledToken);

        const answer = await get(path, headers);
        const what = JSON.stringify({ sent, smuggled });
        expect(answer.cookies, what).toEqual([]);
        const one = sent.length === 1 ? sent[0]!.replace(/^[ \t]+|[ \t]+$/g, "") : null;
        const token = one === null ? undefined : /^bearer +(\S+)$/i.exec(one)?.[1];
        const accepted = (token === a || token === b) && smuggled !== "query";
        if (accepted) {
          expect(answer.status, what).toBe(200);
          expect((JSON.parse(answer.body) as { sub: string }).sub, what).toBe(subs.get(token!));
        } else {
          expect([400, 401], `${what} → ${answer.status}`).toContain(answer.status);
        }
      }),
      { numRuns: 80 },
    );
  });
});
