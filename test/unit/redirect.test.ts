import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_REDIRECT, safeRedirect } from "~/auth/redirect.server";

describe("safeRedirect", () => {
  it.each([
    ["/dashboard", "/dashboard"],
    ["/admin", "/admin"],
    ["/dashboard?tab=2#top", "/dashboard?tab=2#top"],
    ["/account/mfa", "/account/mfa"],
    ["/a%20b", "/a%20b"],
  ])("keeps the same-origin path %s", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  const hostile = [
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "http://evil.example/dashboard",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "///evil.example",
    "/%09/evil.example",
    "/login?redirectTo=//evil",
    "/logout",
    "/auth/callback?code=x",
    "",
    "x".repeat(3000),
    // Dot segments (plain and percent-encoded) that the WHATWG parser removes, leaving "//host".
    "/..//evil.example/x",
    "/.//evil.example",
    "/%2e%2e//evil.example",
    "/%2E%2E//evil.example",
    "/.%2e//evil.example",
    "/a/..//evil.example",
    "/login/../..//evil.example",
    "/dashboard/./..//evil.example",
    "/%2e/%2e%2e//evil.example",
  ];
  it.each(hostile.map((v) => [JSON.stringify(v).slice(0, 60), v]))("rejects %s", (_label, input) => {
    expect(safeRedirect(input)).toBe(DEFAULT_REDIRECT);
  });

  it("falls back for non-strings and honours a custom fallback", () => {
    expect(safeRedirect(null)).toBe(DEFAULT_REDIRECT);
    expect(safeRedirect(undefined, "/")).toBe("/");
    expect(safeRedirect(new File([], "x") as unknown as FormDataEntryValue)).toBe(DEFAULT_REDIRECT);
  });
});

/** How a browser reads a Location header: the WHATWG URL parser, against the page's origin. */
const ORIGIN = "https://app.example";
const resolve = (location: string) => new URL(location, ORIGIN);

/** Pieces attackers combine: dot segments, encodings of `.`, `/`, `\\` and letters, controls, unicode, delimiters. */
const PIECES = [
  ...["/", "//", "\\", "/\\", ".", "..", "./", "../", "/./", "/../"],
  ...["%2e", "%2E", "%2e%2e", ".%2e", "%2e.", "%2f", "%2F", "%5c", "%5C", "%252f", "%252e", "%25", "%"],
  ...["%61", "%6C%6F%67%69%6E", "%65vil", "%00", "%09", "%0a", "%0D", "%7f", "%c3%bc", "%ff"],
  ...["\t", "\n", "\r", "\u0000", "\u0001", "\u001f", "\u007f", " ", "\u00a0", "\u2028", "\ufeff"],
  ...["ü", "\u2215", "\uff0f", "\uff3c", "\u3002", "\ud83d\ude00", "\ud800"],
  ...["@", ":", "?", "#", "&", "=", ";", "[", "]"],
  ...["evil.example", "evil.example:443", "user@evil.example", "http:", "https:", "javascript:", "data:"],
  ...["login", "logout", "auth", "dashboard", "admin", "a", "b"],
];
const piece = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
);
/** Mostly rooted at "/" (what gets past a naive first check), sometimes not. */
const hostilePath = fc
  .tuple(fc.constantFrom("/", "/", "/", "", "//", "/\\", "\\", " /", "/%2e"), fc.array(piece, { maxLength: 12 }))
  .map(([start, rest]) => start + rest.join(""));

describe("safeRedirect, property-tested against the WHATWG URL parser", () => {
  it("whatever it returns stays on our origin, never starts with // or /\\, and is a fixpoint", () => {
    fc.assert(
      fc.property(hostilePath, (input) => {
        const result = safeRedirect(input);
        expect(resolve(result).origin).toBe(ORIGIN);
        expect(result.startsWith("//")).toBe(false);
        expect(result.startsWith("/\\")).toBe(false);
        expect(safeRedirect(result)).toBe(result);
        // It returns exactly what the parser made of it (or the fallback), nothing half-checked.
        const url = resolve(result);
        expect(url.pathname + url.search + url.hash).toBe(result);
      }),
      { numRuns: 20_000 },
    );
  });

  it("keeps ordinary same-origin paths, exactly as the parser serialises them", () => {
    const char = fc.constantFrom(..."abcXYZ019-_.~!$'()*+,;=:@ü".split(""), "%20", "%C3%A9");
    const segment = fc.string({ unit: char, minLength: 1, maxLength: 8 }).filter((s) => !/^\.\.?$/.test(s));
    const extra = fc.string({ unit: fc.oneof(char, fc.constantFrom("/", "?", "&", "=")), maxLength: 12 });
    const ordinary = fc
      .tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.option(extra), fc.option(extra))
      .map(
        ([segments, query, hash]) =>
          `/${segments.join("/")}${query === null ? "" : `?${query}`}${hash === null ? "" : `#${hash}`}`,
      )
      .filter((path) => !/^\/(login|logout|auth\/)/i.test(path) && !path.includes("%2"));
    fc.assert(
      fc.property(ordinary, (path) => {
        const url = resolve(path);
        expect(safeRedirect(path)).toBe(url.pathname + url.search + url.hash);
      }),
      { numRuns: 5_000 },
    );
  });
});
