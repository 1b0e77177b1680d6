/**
 * Harness for the gateway parity tests: a private local Cognito (test/support/emulator.ts) for
 * each file, seeded like `npm run seed` with the test app's URL, that keeps its log (tests read
 * the codes it sends from it, as a developer would); users and clients made through the admin
 * API; a tiny browser to drive the Hosted UI (the app tests' cookie jar and form parsing); PKCE.
 * SECRET_HASH and TOTP codes come from the code the app and the seed use. No mocks.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  AdminGetUserCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { expect } from "vitest";
import { LOCAL_IDP_CLIENTS } from "../../../app/dev/local-idp-people.server.ts";
import { freePort } from "../../../cognito-local/free-port.ts";
import { CookieJar, hiddenFields } from "../../../scripts/lib/http.ts";
import { startSeededEmulator } from "../../support/emulator.ts";
import { suiteFixture } from "../../support/fixtures.ts";
import { startTestIdp, type TestIdp } from "../../support/local-idp.ts";
import { addUser, type Pool } from "../../support/users.ts";

export { secretHash } from "~/cognito/secret-hash.server";

import { totpCode } from "../../../scripts/lib/seed.ts";

export { totpCode };

export const APP = "https://app.example";
export const CALLBACK = `${APP}/auth/callback`;
export const LOGOUT = `${APP}/`;

export interface Stack {
  url: string;
  upstreamUrl: string;
  poolId: string;
  web: { clientId: string };
  confidential: { clientId: string; clientSecret: string };
  /** Everything cognito-local and the gateway logged (ANSI colours stripped). */
  logs: string[];
  sdk: CognitoIdentityProviderClient;
  /** Seeds again (idempotent), registering more app URLs on the clients. */
  reseed(appUrls: string[]): Promise<void>;
  /** With `federation`: the local identity provider the pool's Google and ExampleCorp sign in at. */
  idp?: TestIdp;
  /** Stops the emulator and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /**
   * Start a local identity provider too, as `npm run dev` does: the emulator's
   * Google is it, and the seed creates the pool's Google and ExampleCorp.
   */
  federation?: boolean;
  /** The gateway's clock (tests move it). */
  now?: () => number;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const port = await freePort();
  const idp = options.federation
    ? await startTestIdp({
        clients: LOCAL_IDP_CLIENTS.map((c) => ({
          clientId: c.clientId,
          clientSecret: c.clientSecret,
          name: `${c.label} (cognito-local)`,
          redirectUris: [`http://127.0.0.1:${port}/oauth2/idpresponse`],
        })),
      })
    : undefined;
  // No fixed CODE: every confirmation code is different, and tests read the
  // one they need from cognito-local's log, like a developer would.
  const emulator = await startSeededEmulator({
    appUrls: [APP],
    keepLog: true,
    port,
    googleIssuer: idp?.issuer,
    identityProviderIssuer: idp?.issuer,
    now: options.now,
  }).catch(async (error) => {
    await idp?.dispose();
    throw error;
  });
  return {
    url: emulator.url,
    // cognito-local moves to another port when restarted.
    get upstreamUrl() {
      return emulator.upstreamUrl;
    },
    poolId: emulator.seeded.userPoolId,
    web: emulator.seeded.clients.web,
    confidential: emulator.seeded.clients["web-confidential"],
    logs: emulator.logs,
    sdk: sdk(emulator.url),
    reseed: async (appUrls) => void (await emulator.reseed(appUrls)),
    idp,
    async restart() {
      await emulator.stop();
      await emulator.start();
    },
    stop: async () => {
      await emulator.dispose();
      await idp?.dispose();
    },
  };
}

/** The stack's seeded pool, for test/support/users.ts. */
export function stackPool(stack: Stack): Pool {
  return { cognito: stack.sdk, poolId: stack.poolId };
}

/** This file's (or describe block's) own stack: started before its tests, stopped after them. */
export function suiteStack(): Stack {
  return suiteFixture("the gateway stack", startStack, (stack) => stack.stop());
}

export function sdk(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
}

let counter = 0;
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${Date.now().toString(36)}-${++counter}@example.com`;
}

export interface TestUser {
  email: string;
  password: string;
  /** Cognito's username (the sub, as the pool signs in by email). */
  username: string;
}

/** A confirmed user with a permanent password, or (temporary: true) one in FORCE_CHANGE_PASSWORD. */
export async function createUser(
  stack: Stack,
  options: { temporary?: boolean; name?: string } = {},
): Promise<TestUser> {
  const email = uniqueEmail();
  const password = `Passw0rd!${randomBytes(3).toString("hex")}`;
  await addUser({ email, password, temporary: options.temporary, name: options.name }, stackPool(stack));
  const { Username } = await stack.sdk.send(new AdminGetUserCommand({ UserPoolId: stack.poolId, Username: email }));
  return { email, password, username: Username! };
}

/**
 * Gives `user` an authenticator app ("Test phone"), preferred for MFA, as the account page does:
 * their next password sign-in is asked for a code (SOFTWARE_TOKEN_MFA). Returns its secret.
 */
export async function enrolAuthenticator(stack: Stack, user: TestUser): Promise<string> {
  const { AuthenticationResult } = await stack.sdk.send(
    new InitiateAuthCommand({
      ClientId: stack.web.clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  const accessToken = AuthenticationResult!.AccessToken!;
  const { SecretCode } = await stack.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  const verified = await stack.sdk.send(
    new VerifySoftwareTokenCommand({
      AccessToken: accessToken,
      UserCode: totpCode(SecretCode!),
      FriendlyDeviceName: "Test phone",
    }),
  );
  expect(verified.Status).toBe("SUCCESS");
  await stack.sdk.send(
    new SetUserMFAPreferenceCommand({
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  return SecretCode!;
}

/** A 6-digit code the authenticator with `secret` does not show in any step near now. */
export function wrongTotpCode(secret: string): string {
  const valid = [-60_000, -30_000, 0, 30_000, 60_000].map((d) => totpCode(secret, Date.now() + d));
  return ["000000", "111111", "222222", "333333", "444444", "555555"].find((c) => !valid.includes(c))!;
}

/** An extra app client in the seeded pool (defaults like the seed's). */
export async function createClient(
  stack: Stack,
  overrides: Partial<CreateUserPoolClientCommandInput> = {},
): Promise<{ clientId: string; clientSecret?: string }> {
  const { UserPoolClient } = await stack.sdk.send(
    new CreateUserPoolClientCommand({
      UserPoolId: stack.poolId,
      ClientName: `test-${++counter}`,
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ["openid", "email", "profile"],
      SupportedIdentityProviders: ["COGNITO"],
      CallbackURLs: [CALLBACK],
      LogoutURLs: [LOGOUT],
      PreventUserExistenceErrors: "ENABLED",
      ...overrides,
    }),
  );
  return { clientId: UserPoolClient!.ClientId!, clientSecret: UserPoolClient!.ClientSecret };
}

/**
 * The confirmation code cognito-local prints for an email address, after log
 * line `since` (take `stack.logs.length` before the call that sends it).
 */
export async function codeSentTo(stack: Stack, email: string, since: number): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    let destination: string | undefined;
    let code: string | undefined;
    for (const line of stack.logs.slice(since)) {
      const d = /Destination:\s+(\S+)/.exec(line);
      if (d) destination = d[1];
      const c = /Code:\s+(\d+)/.exec(line);
      if (c && destination === email) code = c[1];
    }
    if (code) return code;
    await nudgeLog(stack);
    if (Date.now() > deadline) {
      throw new Error(
        `no confirmation code for ${email} in cognito-local's log:\n${stack.logs.slice(since).join("\n")}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * cognito-local 5.3.0 (pino → pino-pretty) holds its latest log entry back
 * until it writes the next one. Asking for a pool that does not exist makes
 * it log a warning, which lets the entry we wait for out.
 */
async function nudgeLog(stack: Stack): Promise<void> {
  await fetch(stack.upstreamUrl, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AWSCognitoIdentityProviderService.DescribeUserPool",
    },
    body: JSON.stringify({ UserPoolId: "local_nudge" }),
  });
}

/** Expects a promise to fail with an AWS SDK exception of this class (and message). */
export async function expectAwsError(
  promise: Promise<unknown>,
  exception: abstract new (...args: never[]) => Error,
  message?: string,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the call should have failed").toBeInstanceOf(exception);
  if (message !== undefined) expect((error as Error).message).toBe(message);
}

/** REFRESH_TOKEN_AUTH with `refreshToken`, on the seeded web client unless `clientId` says otherwise. */
export function refreshTokens(stack: Stack, refreshToken: string, clientId = stack.web.clientId) {
  return stack.sdk.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  );
}

// --- a tiny browser (the cookie jar and form parsing are the ones the app's tests use) ---------

export { CookieJar, hiddenFields };

/** One request as a browser navigates: HTML accepted, redirects not followed, cookies sent and stored. */
export function browse(url: string, jar: CookieJar, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("accept", "text/html");
  return jar.fetch(url, { ...init, headers });
}

/** Submits a Hosted UI form (the `flow` field comes from the page). */
export function postForm(stack: Stack, pathname: string, fields: Record<string, string>, jar: CookieJar) {
  return browse(`${stack.url}${pathname}`, jar, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export interface AuthorizeParams {
  clientId: string;
  redirectUri?: string;
  state?: string;
  scope?: string;
  challenge?: string;
  extra?: Record<string, string>;
}

/** `/oauth2/authorize?…` with AWS's parameters (PKCE S256 by default). */
export function authorizeUrl(stack: Stack, p: AuthorizeParams): string {
  const url = new URL("/oauth2/authorize", stack.url);
  url.searchParams.set("client_id", p.clientId);
  url.searchParams.set("redirect_uri", p.redirectUri ?? CALLBACK);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", p.scope ?? "openid email profile");
  url.searchParams.set("state", p.state ?? "state-123");
  url.searchParams.set("code_challenge", p.challenge ?? pkce().challenge);
  url.searchParams.set("code_challenge_method", "S256");
  for (const [k, v] of Object.entries(p.extra ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

/** GET /oauth2/authorize, expecting the hop to /login, then the sign-in page itself. */
export function openSignInPage(stack: Stack, p: AuthorizeParams, jar: CookieJar) {
  return openSignInPageAt(stack, authorizeUrl(stack, p), jar);
}

export async function openSignInPageAt(stack: Stack, authorizeHref: string, jar: CookieJar) {
  const authorize = await browse(authorizeHref, jar);
  expect(authorize.status).toBe(302);
  const location = new URL(authorize.headers.get("location")!, stack.url);
  expect(location.pathname).toBe("/login");
  const page = await browse(location.toString(), jar);
  expect(page.status).toBe(200);
  const html = await page.text();
  return { html, flow: hiddenFields(html).flow!, loginUrl: location.toString(), response: page };
}

/** The `code` and `state` of a redirect to the app's callback. */
export function callbackParams(response: Response): { code: string | null; state: string | null; url: URL } {
  expect(response.status).toBe(302);
  const url = new URL(response.headers.get("location")!);
  expect(`${url.origin}${url.pathname}`).toBe(CALLBACK);
  return { code: url.searchParams.get("code"), state: url.searchParams.get("state"), url };
}

/** The whole browser sign-in: authorize → /login → credentials → redirect with a code. */
export async function hostedSignIn(
  stack: Stack,
  p: AuthorizeParams & { username: string; password: string },
  jar = new CookieJar(),
) {
  const { verifier, challenge } = pkce();
  const { flow } = await openSignInPage(stack, { ...p, challenge }, jar);
  const response = await postForm(stack, "/login", { flow, username: p.username, password: p.password }, jar);
  const { code, state } = callbackParams(response);
  return { code: code!, state, verifier, jar };
}

export interface TokenRequest {
  code?: string;
  verifier?: string;
  redirectUri?: string;
  clientId: string;
  clientSecret?: string;
  /** How the client authenticates: HTTP Basic, form fields, or client_id only. */
  auth: "basic" | "post" | "none";
  grantType?: string;
  refreshToken?: string;
}

export async function tokenRequest(
  stack: Stack,
  r: TokenRequest,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const form = new URLSearchParams({ grant_type: r.grantType ?? "authorization_code" });
  if (r.code !== undefined) form.set("code", r.code);
  if (r.grantType !== "refresh_token") form.set("redirect_uri", r.redirectUri ?? CALLBACK);
  if (r.verifier !== undefined) form.set("code_verifier", r.verifier);
  if (r.refreshToken !== undefined) form.set("refresh_token", r.refreshToken);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (r.auth === "basic") {
    headers.authorization = `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret ?? ""}`).toString("base64")}`;
  } else {
    form.set("client_id", r.clientId);
    if (r.auth === "post" && r.clientSecret !== undefined) form.set("client_secret", r.clientSecret);
  }
  const response = await fetch(`${stack.url}/oauth2/token`, { method: "POST", headers, body: form.toString() });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

export function decodePayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));
}
