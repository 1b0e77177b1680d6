/**
 * The gateway's one reading of a request target (cognito-local/gateway/request-target.ts):
 * a path is accepted only when every parser in play reads it the same way as
 * written, so routing on it cannot differ from what cognito-local's Express
 * router or the WHATWG URL parser would make of it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalTarget } from "../../cognito-local/gateway/request-target.ts";

const BASE = "http://127.0.0.1:9229";

describe("canonicalTarget", () => {
  it.each([
    ["/", "/", ""],
    ["/oauth2/token", "/oauth2/token", ""],
    [
      "/oauth2/authorize?client_id=a&state=%22%3E%3Cscript%3E",
      "/oauth2/authorize",
      "?client_id=a&state=%22%3E%3Cscript%3E",
    ],
    ["/local_AbC123/.well-known/jwks.json", "/local_AbC123/.well-known/jwks.json", ""],
    ["/OAuth2/Token", "/OAuth2/Token", ""], // accepted as written: no route has that name
    ["/login?", "/login", "?"],
    ["/a/b?x=/../y//z", "/a/b", "?x=/../y//z"], // the query is not a path
  ])("accepts %s as written", (raw, pathname, search) => {
    expect(canonicalTarget(raw)).toEqual({ pathname, search, target: pathname + search });
  });

  it.each([
    ["", "empty"],
    ["*", "asterisk-form"],
    ["http://127.0.0.1:9229/oauth2/token", "absolute-form"],
    ["oauth2/token", "no leading slash"],
    ["//", "empty segment"],
    ["//oauth2/token", "a host to the WHATWG parser"],
    ["/oauth2//token", "empty segment"],
    ["/oauth2/token/", "trailing slash"],
    ["/oauth2/./token", "dot segment"],
    ["/x/../oauth2/token", "dot-dot segment"],
    ["/oauth2/token/.", "trailing dot segment"],
    ["/.", "dot segment"],
    ["/..", "dot-dot segment"],
    ["/%2e/oauth2/token", "encoded dot segment"],
    ["/oauth2%2Ftoken", "encoded slash"],
    ["/oauth2%2ftoken", "encoded slash"],
    ["/oauth2/t%6Fken", "encoded letter"],
    ["/oauth2/token%00", "encoded NUL"],
    ["/oauth2\\token", "backslash (a slash to the WHATWG parser)"],
    ["/oauth2/token ", "space"],
    ["/oauth2/tok\u00e9n", "non-ASCII"],
    ["/oauth2/token#x", "fragment"],
  ])("refuses %j (%s)", (raw) => {
    expect(canonicalTarget(raw)).toBeNull();
  });

  it("accepts only what the WHATWG URL parser reads exactly as written (no dot segments, slashes or escapes to resolve)", () => {
    const pieces = fc.constantFrom(
      ...["/", "//", "\\", ".", "..", "./", "../", "/./", "/../", "%2e", "%2E", "%2f", "%2F", "%5c", "%6F", "%25", "%"],
      ...[
        "oauth2",
        "OAuth2",
        "token",
        "authorize",
        "login",
        "jwks.json",
        ".well-known",
        "local_Ab1",
        "a",
        "_",
        "-",
        "~",
      ],
      ...[";", ":", "@", "!", "$", "&", "'", "(", ")", "*", "+", ",", "=", "?", "#", " ", "\t", "\u00e9", "\u2215"],
    );
    const target = fc
      .tuple(fc.constantFrom("/", "/", "//", "", "\\"), fc.array(pieces, { maxLength: 10 }))
      .map(([start, rest]) => start + rest.join(""));
    fc.assert(
      fc.property(target, (raw) => {
        const result = canonicalTarget(raw);
        if (!result) return;
        const url = new URL(raw, BASE);
        expect(url.origin).toBe(BASE);
        expect(url.pathname).toBe(result.pathname);
        expect(result.pathname).not.toMatch(/\/\/|%|\\|\/\.\.?(\/|$)/);
        expect(result.pathname === "/" || !result.pathname.endsWith("/")).toBe(true);
        expect(result.target).toBe(raw);
      }),
      { numRuns: 20_000 },
    );
  });
});
