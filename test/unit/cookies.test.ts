import { describe, expect, it } from "vitest";
import { readCookies, repeatedCookieNames } from "~/http/cookies.server";

/**
 * The one Cookie-header reader, against headers as browsers send them
 * (RFC 6265 §5.4: "name=value" pairs joined by "; ", most specific path
 * first) and as an attacker could shape them.
 */
describe("readCookies", () => {
  it.each<[string, string | null, Record<string, string>]>([
    ["no header", null, {}],
    ["empty", "", {}],
    ["one pair", "a=1", { a: "1" }],
    ["browser joins with '; '", "a=1; b=2", { a: "1", b: "2" }],
    ["no space after ';'", "a=1;b=2", { a: "1", b: "2" }],
    ["spaces around", "  a = 1 ;  b=2  ", { a: "1", b: "2" }],
    ["'=' inside a value", "a=x=y", { a: "x=y" }],
    ["empty value", "a=; b=2", { a: "", b: "2" }],
    ["DQUOTE-wrapped value (RFC 6265 cookie-value)", 'a="q"', { a: "q" }],
    ["a pair without '=' is skipped", "junk; a=1", { a: "1" }],
    ["repeated name: the first wins", "a=1; a=2", { a: "1" }],
    ["percent-decoded", "r=%2Fdashboard%3Ftab%3D2", { r: "/dashboard?tab=2" }],
    ["undecodable value kept as sent", "r=%E0%A4%A", { r: "%E0%A4%A" }],
  ])("%s", (_label, header, expected) => {
    expect({ ...readCookies(header) }).toEqual(expected);
  });

  it("leaves values as sent when asked (our sealed values are base64url)", () => {
    expect(readCookies("s=a%41b", { decode: false }).s).toBe("a%41b");
  });
});

describe("repeatedCookieNames", () => {
  it.each<[string, string | null, string[]]>([
    ["none", "a=1; b=2", []],
    ["no header", null, []],
    ["a planted second cookie of the same name", "__session.0=ours; __session.0=planted", ["__session.0"]],
    ["repeat with other spacing", "a=1;a=2", ["a"]],
    ["repeat with an empty value", "a=1; a=", ["a"]],
  ])("%s", (_label, header, expected) => {
    expect([...repeatedCookieNames(header)]).toEqual(expected);
  });
});
