/**
 * Reading a bearer token (app/auth/bearer.server.ts): exactly RFC 6750's `Bearer <b64token>`
 * in one Authorization header, and nothing that merely contains a token — property-tested over
 * spellings, casings, whitespace, repeated headers and tokens smuggled elsewhere — and which
 * request targets the API owns (app/http/api-cors.server.ts), read as Remix reads them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_BEARER_TOKEN_LENGTH, readBearerToken } from "~/auth/bearer.server";
import { isApiRequestTarget } from "~/http/api-cors.server";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln-_~+/=";

function read(authorization: string | string[] | null, url = "http://app.test/api/v1/me") {
  const headers = new Headers();
  // Fetch's Headers joins repeated names with ", ", as the app's server hands them over.
  for (const value of authorization === null ? [] : [authorization].flat()) headers.append("Authorization", value);
  return readBearerToken({ headers, url });
}

describe("readBearerToken", () => {
  it("takes `Bearer <token>`: the scheme in any case (RFC 7235), one or more spaces, surrounding whitespace", () => {
    for (const value of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER   ${TOKEN}`, ` \tBearer ${TOKEN} \t`]) {
      expect(read(value), JSON.stringify(value)).toEqual({ kind: "token", token: TOKEN });
    }
  });

  it("sees no credentials without the header or with another scheme (a 401 with no error code)", () => {
    for (const value of [null, "", "Basic YTpi", `Token ${TOKEN}`, `Bearer:${TOKEN}`, `Bearertoken ${TOKEN}`]) {
      expect(read(value), JSON.stringify(value)).toEqual({ kind: "none" });
    }
  });

  it("refuses as malformed: no token, two tokens, characters outside b64token, two headers, a token in the URL, a huge header", () => {
    const malformed = [
      "Bearer",
      "Bearer ",
      `Bearer ${TOKEN} ${TOKEN}`,
      `Bearer ${TOKEN},`,
      `Bearer\t${TOKEN}`.replace("Bearer\t", "Bearer \t"),
      `Bearer "${TOKEN}"`,
      `Bearer ${TOKEN}=x`,
      `Bearer ${"a".repeat(MAX_BEARER_TOKEN_LENGTH + 100)}`,
    ];
    for (const value of malformed) expect(read(value).kind, JSON.stringify(value).slice(0, 80)).toBe("malformed");
    expect(read([`Bearer ${TOKEN}`, "Bearer other"]).kind).toBe("malformed");
    expect(read([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]).kind).toBe("malformed");
    expect(read(`Bearer ${TOKEN}`, `http://app.test/api/v1/me?access_token=${TOKEN}`).kind).toBe("malformed");
    expect(read(null, `http://app.test/api/v1/me?x=1&access_token=`).kind).toBe("malformed");
  });

  it("never reads a cookie or any other header", () => {
    const headers = new Headers({ Cookie: `access_token=${TOKEN}`, "X-Access-Token": TOKEN, "X-Authorization": TOKEN });
    expect(readBearerToken({ headers, url: "http://app.test/api/v1/me" })).toEqual({ kind: "none" });
  });

  it("property: only the exact spelling yields the token, and only ever that token, whatever else the request carries", () => {
    const scheme = fc.constantFrom("Bearer", "bearer", "BEARER", "bEaReR", "Bearer:", "Bear er", "Basic", "Token", "");
    const gap = fc.constantFrom(" ", "  ", "\t", "", " \t", ",", ", ");
    const token = fc.constantFrom(
      TOKEN,
      `${TOKEN}x.`,
      `${TOKEN} `,
      `${TOKEN}, Bearer ${TOKEN}`,
      `${TOKEN} ${TOKEN}`,
      `"${TOKEN}"`,
      `${TOKEN};`,
      "",
    );
    const edge = fc.constantFrom("", " ", "\t", " \t ");
    const header = fc.tuple(edge, scheme, gap, token, edge).map((parts) => parts.join(""));
    const request = fc.record({
      headers: fc.array(header, { minLength: 0, maxLength: 3 }),
      query: fc.constantFrom("", `?access_token=${TOKEN}`, "?limit=2", `?a=1&access_token=x`),
    });
    fc.assert(
      fc.property(request, ({ headers, query }) => {
        const result = read(headers.length === 0 ? null : headers, `http://app.test/api/v1/me${query}`);
        const only = headers.length === 1 ? headers[0]!.replace(/^[ \t]+|[ \t]+$/g, "") : null;
        const exact = only !== null && /^bearer +(\S+)$/i.exec(only)?.[1] === TOKEN;
        const accepted = exact && !query.includes("access_token");
        expect(result.kind === "token", JSON.stringify({ headers, query })).toBe(accepted);
        if (result.kind === "token") expect(result.token).toBe(TOKEN);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("isApiRequestTarget: the API's paths, as Remix resolves them", () => {
  it("owns /api and below, in any case, as Remix matches routes", () => {
    for (const target of ["/api", "/api/", "/api/v1/me", "/API/v1/users?limit=2", "/api/v1/users/a%40b/sign-out"]) {
      expect(isApiRequestTarget(target), target).toBe(true);
    }
  });

  it("does not own a page reached through a spelling that starts like the API's", () => {
    for (const target of [
      "/apis",
      "/api-docs",
      "/api/../logout",
      "/api/%2e%2e/logout",
      "/api/%2E%2E/logout",
      "/api/..\\logout",
      "/API/./../account",
      "//api/x",
      "/\\api/x",
      "/logout?next=/api/",
      "/api%2F..%2Flogout",
    ]) {
      expect(isApiRequestTarget(target), target).toBe(false);
    }
  });
});
