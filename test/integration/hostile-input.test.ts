import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type CountingProxy, startCountingProxy } from "../support/counting-proxy.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar } from "../support/http.ts";

/**
 * Malformed and oversized input gets a 400 with a message — never a 500, and
 * never a call to Cognito. A proxy in front of the emulator counts the calls.
 */
describe("bad input never reaches Cognito", () => {
  let proxy: CountingProxy;
  beforeAll(async () => {
    proxy = await startCountingProxy(inject("emulatorUrl"));
  });
  afterAll(async () => {
    await proxy?.close();
  });
  const app = suiteApp(async () => ({ env: { COGNITO_ENDPOINT: proxy.url } }));

  const post = (path: string, body: BodyInit, contentType = "application/x-www-form-urlencoded") =>
    fetch(`${app.url}${path}`, { method: "POST", body, headers: { "Content-Type": contentType }, redirect: "manual" });

  const cases: [string, string, () => Promise<Response>, RegExp][] = [
    [
      "JSON instead of a form",
      "/login",
      () => post("/login", JSON.stringify({ username: "demo@example.com", password: "x" }), "application/json"),
      /Please submit the form/,
    ],
    ["no body at all", "/login", () => post("/login", ""), /Enter your email address/],
    ["missing password", "/login", () => post("/login", "username=demo%40example.com"), /Enter your password/],
    [
      "repeated fields",
      "/login",
      () => post("/login", "username=a%40b.co&username=c%40d.co&password=x"),
      /repeated field/,
    ],
    [
      "a username over 128 characters",
      "/login",
      () => post("/login", `username=${"a".repeat(129)}&password=x`),
      /too long/,
    ],
    [
      "a password over 256 characters",
      "/login",
      () => post("/login", `username=a%40b.co&password=${"p".repeat(257)}`),
      /too long/,
    ],
    [
      "non-UTF-8 bytes",
      "/login",
      () =>
        post(
          "/login",
          Buffer.from([
            0x75, 0x73, 0x65, 0x72, 0x6e, 0x61, 0x6d, 0x65, 0x3d, 0xff, 0xfe, 0x26, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f,
            0x72, 0x64, 0x3d, 0x78,
          ]),
        ),
      /characters that are not allowed/,
    ],
    [
      "a control character",
      "/login",
      () => post("/login", "username=a%00b%40c.co&password=x"),
      /characters that are not allowed/,
    ],
    [
      "a confirmation code that is not 6 digits",
      "/confirm",
      () => post("/confirm", "intent=confirm&username=a%40b.co&code=12345a"),
      /6-digit code/,
    ],
    ["an unknown intent", "/confirm", () => post("/confirm", "intent=delete&username=a%40b.co&code=123456"), /./],
    [
      "a reset code that is not 6 digits",
      "/reset-password",
      () => post("/reset-password", "username=a%40b.co&code=1234567&password=N3w-Passw0rd!&confirm=N3w-Passw0rd!"),
      /6-digit code/,
    ],
    ["a weak new password", "/signup", () => post("/signup", "email=a%40b.co&password=weak&confirm=weak"), /too weak/],
    [
      "a malformed email at sign-up",
      "/signup",
      () => post("/signup", "email=not-an-email&password=N3w-Passw0rd!&confirm=N3w-Passw0rd!"),
      /valid email/,
    ],
    [
      "multipart with a file",
      "/login",
      () => {
        const form = new FormData();
        form.set("username", new Blob(["x"]), "evil.txt");
        form.set("password", "x");
        return fetch(`${app.url}/login`, { method: "POST", body: form, redirect: "manual" });
      },
      /Files are not accepted/,
    ],
  ];

  it.each(cases)("%s (%s) → 400 with a message, no Cognito call", async (_label, _path, send, message) => {
    const before = proxy.calls.length;
    const res = await send();
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(message);
    expect(proxy.calls.slice(before)).toEqual([]);
  });

  // Refused by the HTTP server before Remix, while the body streams in (server/body-limit.js).
  it("a body over 16 KB (/login) → 413 with a message, no Cognito call", async () => {
    const before = proxy.calls.length;
    const res = await post("/login", `username=a%40b.co&password=${"p".repeat(20_000)}`);
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/too large/);
    expect(proxy.calls.slice(before)).toEqual([]);
  });

  it("control: a well-formed attempt does reach Cognito (the counter works)", async () => {
    const before = proxy.calls.length;
    const res = await new CookieJar().post(`${app.url}/login`, {
      username: "demo@example.com",
      password: "Wrong-Passw0rd!",
    });
    expect(res.status).toBe(401);
    expect(proxy.calls.slice(before)).toEqual(["InitiateAuth"]);
  });
});
