/**
 * Which browser origins may use a pool's passkeys in the emulator
 * (cognito-local/gateway/webauthn.ts): http(s) origins whose host is the
 * relying party ID, any port — read with the WHATWG URL parser, and only in
 * the serialized form a browser puts in clientDataJSON.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allowedOrigin } from "../../cognito-local/gateway/webauthn.ts";

describe("allowedOrigin", () => {
  it.each([
    ["http://localhost:3000", "localhost"],
    ["http://localhost", "localhost"],
    ["https://localhost:8443", "localhost"],
    ["https://app.example", "app.example"],
    ["https://app.example:8443", "app.example"],
  ])("accepts %s for %s", (origin, rp) => {
    expect(allowedOrigin(origin, rp)).toBe(origin);
  });

  it.each([
    ["https://evil.example", "app.example"], // another host
    ["https://app.example.evil.example", "app.example"], // the RP ID as a prefix
    ["https://evilapp.example", "app.example"], // the RP ID as a suffix
    ["https://sub.app.example", "app.example"], // a subdomain: not the RP ID's host
    ["https://app.example@evil.example", "app.example"], // userinfo: the host is evil.example
    ["https://evil.example#app.example", "app.example"],
    ["https://evil.example/app.example", "app.example"],
    ["https://app.example.", "app.example"], // trailing dot: another host name
    ["https://APP.example", "app.example"], // not as a browser serializes it
    ["https://app.example:443", "app.example"], // default port spelled out: not serialized so
    ["https://app.example/", "app.example"], // a URL, not an origin
    ["ftp://app.example", "app.example"],
    ["file:///app.example", "app.example"],
    ["chrome-extension://app.example", "app.example"],
    ["null", "app.example"], // an opaque origin
    ["", "app.example"],
    ["app.example", "app.example"],
    ["http://127.0.0.1:3000", "localhost"],
    ["http://[::1]:3000", "localhost"],
    ["http://localhost.:3000", "localhost"],
  ])("refuses %s for %s (WebAuthnOriginNotAllowedException)", (origin, rp) => {
    expect(() => allowedOrigin(origin, rp)).toThrowError(
      expect.objectContaining({ type: "WebAuthnOriginNotAllowedException" }),
    );
  });

  it("accepts exactly the origins the URL parser serializes back unchanged with the RP ID as host", () => {
    const hosts = fc.constantFrom(
      "app.example",
      "localhost",
      "evil.example",
      "app.example.evil.example",
      "APP.example",
    );
    const schemes = fc.constantFrom("http:", "https:", "ftp:", "ws:");
    const ports = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
    fc.assert(
      fc.property(schemes, hosts, ports, (scheme, host, port) => {
        const origin = `${scheme}//${host}${port === undefined ? "" : `:${port}`}`;
        const url = new URL(origin);
        const expected =
          (scheme === "http:" || scheme === "https:") && url.hostname === "app.example" && url.origin === origin;
        let accepted = true;
        try {
          allowedOrigin(origin, "app.example");
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(expected);
      }),
    );
  });
});
