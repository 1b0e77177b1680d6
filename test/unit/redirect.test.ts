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
