/**
 * The local identity provider on its own (scripts/lib/local-idp): a real
 * oidc-provider with our pages, driven over HTTP the way the emulator and a
 * browser drive it. The emulator's use of it is tested with the gateway.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt, type Jwk, verifyRs256 } from "../../cognito-local/gateway/jwt.ts";
import { CookieJar } from "../../scripts/lib/http.ts";
import { PEOPLE, startTestIdp, type TestIdp, visitProvider } from "../support/local-idp.ts";

const CLIENT = { clientId: "test-client", clientSecret: "test-client-secret", name: "Test (cognito-local)" };
const REDIRECT = "https://emulator.example/oauth2/idpresponse";

let idp: TestIdp;
let discovery: Record<string, unknown>;

beforeAll(async () => {
  idp = await startTestIdp({ clients: [{ ...CLIENT, redirectUris: [REDIRECT] }] });
  discovery = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
});
afterAll(async () => {
  await idp?.dispose();
});

function authorizeUrl(extra: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString("base64url");
  const params = new URLSearchParams({
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "openid email profile",
    state: randomBytes(8).toString("hex"),
    nonce: randomBytes(8).toString("hex"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...extra,
  });
  return { url: `${discovery.authorization_endpoint}?${params}`, verifier, params };
}

async function redeem(code: string, verifier: string) {
  const response = await fetch(String(discovery.token_endpoint), {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString("base64")}`,
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe("the local identity provider", () => {
  it("publishes discovery and its keys at its issuer, with PKCE and RS256", async () => {
    expect(discovery.issuer).toBe(idp.issuer);
    expect(discovery.code_challenge_methods_supported).toContain("S256");
    expect(discovery.id_token_signing_alg_values_supported).toContain("RS256");
    expect(discovery.userinfo_endpoint).toBe(`${idp.issuer}/me`);
    const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: Jwk[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty("d"); // public half only
  });

  it("signs a person in with a password and consent, and issues an ID token with the nonce, verified by its JWKS", async () => {
    const jar = new CookieJar();
    const { url, verifier, params } = authorizeUrl();
    const outcome = await visitProvider(jar, url, new URL(idp.issuer).origin, { person: PEOPLE.matching });
    expect(outcome.pages).toEqual(["sign-in", "consent"]);
    const back = new URL(outcome.location);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe(params.get("state"));

    const tokens = await redeem(back.searchParams.get("code")!, verifier);
    expect(tokens.status).toBe(200);
    const idToken = decodeJwt(tokens.body.id_token)!;
    const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: Jwk[] };
    expect(verifyRs256(idToken, jwks.keys)).toBe(true);
    expect(idToken.payload).toMatchObject({
      iss: idp.issuer,
      aud: CLIENT.clientId,
      sub: PEOPLE.matching.sub,
      nonce: params.get("nonce"),
      email: PEOPLE.matching.email,
      email_verified: true,
      name: PEOPLE.matching.name,
    });

    const userinfo = await fetch(String(discovery.userinfo_endpoint), {
      headers: { Authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({ sub: PEOPLE.matching.sub, email: PEOPLE.matching.email });

    // The code is single use.
    expect((await redeem(back.searchParams.get("code")!, verifier)).status).toBe(400);
  });

  it("refuses a wrong code_verifier (PKCE)", async () => {
    const jar = new CookieJar();
    const { url } = authorizeUrl();
    const outcome = await visitProvider(jar, url, new URL(idp.issuer).origin, { person: PEOPLE.newcomer });
    const code = new URL(outcome.location).searchParams.get("code")!;
    const result = await redeem(code, randomBytes(32).toString("base64url"));
    expect(result.status).toBe(400);
    expect(result.body.error).toBe("invalid_grant");
  });

  it("keeps the session: a second sign-in skips the form, prompt=login asks again", async () => {
    const jar = new CookieJar();
    const origin = new URL(idp.issuer).origin;
    await visitProvider(jar, authorizeUrl().url, origin, { person: PEOPLE.newcomer });
    const again = await visitProvider(jar, authorizeUrl().url, origin);
    expect(again.pages).toEqual([]);
    expect(new URL(again.location).searchParams.get("code")).toBeTruthy();
    const forced = await visitProvider(jar, authorizeUrl({ prompt: "login" }).url, origin, { person: PEOPLE.newcomer });
    expect(forced.pages).toEqual(["sign-in"]);
  });

  it("answers a wrong password on the page, escaped, and goes nowhere", async () => {
    const jar = new CookieJar();
    const start = await jar.fetch(authorizeUrl().url);
    const interaction = new URL(start.headers.get("Location")!, idp.issuer).toString();
    const page = await (await jar.fetch(interaction)).text();
    const action = new URL(page.match(/action="([^"]+)"/)![1]!, idp.issuer).toString();
    const hostile = `"><script>alert(1)</script>@example.com`;
    const refused = await jar.post(action, { email: hostile, password: "nope", action: "sign-in" });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    const body = await refused.text();
    expect(body).toContain("Wrong email or password.");
    expect(body).not.toContain("<script>");
    expect(body).toContain("&lt;script&gt;");
    expect(body).not.toContain(PEOPLE.matching.password);
  });

  it("sends access_denied back to the client when the person cancels or refuses consent", async () => {
    const origin = new URL(idp.issuer).origin;
    const cancelled = await visitProvider(new CookieJar(), authorizeUrl().url, origin, { cancel: true });
    expect(new URL(cancelled.location).searchParams.get("error")).toBe("access_denied");

    const refused = await visitProvider(new CookieJar(), authorizeUrl().url, origin, {
      person: PEOPLE.unverified,
      consent: "deny",
    });
    const back = new URL(refused.location);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("shows its own error page for an unknown client, with no redirect", async () => {
    const response = await fetch(authorizeUrl({ client_id: "<b>nobody</b>" }).url, { redirect: "manual" });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain("Something went wrong");
    expect(body).not.toContain("<b>nobody</b>");
  });

  it("refuses an oversized form", async () => {
    const jar = new CookieJar();
    const start = await jar.fetch(authorizeUrl().url);
    const interaction = new URL(start.headers.get("Location")!, idp.issuer).toString();
    const response = await jar.post(interaction, { email: "x".repeat(20_000), password: "p", action: "sign-in" });
    expect(response.status).toBe(413);
  });

  it("keeps its signing key across a restart with the same data directory", async () => {
    const before = await (await fetch(String(discovery.jwks_uri))).json();
    const second = await startTestIdp({ clients: [{ ...CLIENT, redirectUris: [REDIRECT] }], dataDir: idp.dataDir });
    try {
      const after = await (await fetch(`${second.issuer}/jwks`)).json();
      expect(after).toEqual(before);
    } finally {
      await second.stop();
    }
  });
});
