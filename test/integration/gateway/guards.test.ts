/**
 * The gateway's own guards, against real cognito-local (cognito-local/README.md#guards):
 * - whatever the spelling of a path (case, trailing or doubled slashes,
 *   percent-encoded letters or slashes, dot segments, backslashes), no request
 *   reaches cognito-local's own OAuth routes and sign-in form, whose router
 *   ignores case and trailing slashes where the gateway's routes do not;
 * - every HTML page the gateway answers with carries a Content-Security-Policy;
 * - browsers may read the gateway's answers from the app's origin only;
 * - the Hosted UI's forms are taken only from its own pages, in the browser
 *   that opened them (no login CSRF);
 * - the in-memory state that requests can fill is bounded: when full, new
 *   entries are refused with a clear error and live sign-ins carry on.
 */
import http from "node:http";
import {
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  TooManyRequestsException,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningGateway, startGateway } from "../../../cognito-local/gateway/index.ts";
import { type CountingProxy, startCountingProxy } from "../../support/counting-proxy.ts";
import {
  APP,
  authorizeUrl,
  browse,
  CALLBACK,
  CookieJar,
  callbackParams,
  createUser,
  expectAwsError,
  openSignInPage,
  pkce,
  postForm,
  type Stack,
  sdk,
  suiteStack,
  tokenRequest,
} from "./support.ts";

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };
const XSS = '"><script>alert(document.cookie)</script>';
const EVIL = "https://evil.example";

const stack = suiteStack();
/** Sees every request the gateway under test sends to cognito-local. */
let recorder: CountingProxy;
/** A second gateway in front of the same cognito-local, through the recorder. */
let watched: RunningGateway;
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  recorder = await startCountingProxy(stack.upstreamUrl);
  watched = await startGateway({ upstreamUrl: recorder.url, port: 0, allowedOrigins: ["http://localhost:5173"] });
});
afterAll(async () => {
  for (const gateway of [watched, ...gateways]) await gateway?.stop();
  await recorder?.close();
});

/** Another gateway in front of the same cognito-local (stopped after the file). */
async function extraGateway(options: Omit<Parameters<typeof startGateway>[0], "upstreamUrl" | "port">) {
  const gateway = await startGateway({ upstreamUrl: stack.upstreamUrl, port: 0, ...options });
  gateways.push(gateway);
  return { gateway, stack: { ...stack, url: gateway.url } satisfies Stack };
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with the target sent byte for byte (fetch would normalise it). */
function rawRequest(
  base: string,
  method: string,
  target: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  const headers: Record<string, string | number> = { ...options.headers };
  if (options.body !== undefined) headers["content-length"] = Buffer.byteLength(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path: target, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const hex = (c: string, lower = false) => {
  const h = `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  return lower ? h.toLowerCase() : h;
};

/**
 * Other ways to write `path` that some parser (Express, the WHATWG URL
 * parser, a proxy) may read as the same route.
 */
function spellings(path: string): string[] {
  const out = new Set<string>([
    `${path}/`,
    `${path}//`,
    `/${path}`,
    `${path}/.`,
    `/.${path}`,
    `/x/..${path}`,
    `/%2e${path}`,
    `/%2E%2E${path}`,
    `${path}%2F`,
    `${path}\\`,
    `${path};`,
    `${path}%20`,
    `${path}%00`,
    path.toUpperCase(),
    path.toLowerCase(),
    path.replace(/(^|\/)([a-z])/g, (_, slash: string, c: string) => slash + c.toUpperCase()),
  ]);
  const firstLetter = path.search(/[a-z]/i);
  if (firstLetter >= 0) {
    const at = (encoded: string) => path.slice(0, firstLetter) + encoded + path.slice(firstLetter + 1);
    out.add(at(hex(path[firstLetter]!)));
    out.add(at(hex(path[firstLetter]!, true)));
    out.add(path.replace(/[a-z]/gi, (c) => hex(c)));
  }
  const lastSlash = path.lastIndexOf("/");
  if (lastSlash > 0) {
    const join = (sep: string) => path.slice(0, lastSlash) + sep + path.slice(lastSlash + 1);
    for (const sep of ["//", "%2F", "%2f", "\\", "/./", "/x/../"]) out.add(join(sep));
  }
  out.delete(path);
  return [...out];
}

function authorizeQuery(clientId: string, state = XSS): string {
  return new URL(authorizeUrl(stack, { clientId, state })).search;
}

const form = (fields: Record<string, string>) => ({
  headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
  body: new URLSearchParams(fields).toString(),
});

/** What the gateway may ask of cognito-local: its API, its health, a pool's keys. */
function isAllowedUpstream({ method, target }: { method: string; target: string }): boolean {
  if (method === "POST" && target === "/") return true;
  return method === "GET" && (target === "/health" || /^\/[\w-]+\/\.well-known\/jwks\.json$/.test(target));
}

describe("path spellings: nothing reaches cognito-local's own routes", () => {
  /** Every route the gateway guards (or that cognito-local answers unchecked), with a request that uses it. */
  function guardedRequests(): Array<{
    method: string;
    path: string;
    query?: string;
    options?: { headers?: Record<string, string>; body?: string };
  }> {
    const web = stack.web.clientId;
    const confidential = stack.confidential.clientId;
    const flowForm = form({ flow: "x", username: DEMO.username, password: DEMO.password });
    return [
      { method: "GET", path: "/oauth2/authorize", query: authorizeQuery(web) },
      {
        method: "POST",
        path: "/oauth2/authorize",
        options: form({
          ...Object.fromEntries(new URLSearchParams(authorizeQuery(confidential))),
          ...DEMO,
        }),
      },
      {
        method: "POST",
        path: "/oauth2/token",
        options: form({
          grant_type: "authorization_code",
          code: "x",
          redirect_uri: CALLBACK,
          client_id: confidential,
          code_verifier: pkce().verifier,
        }),
      },
      { method: "POST", path: "/oauth2/revoke", options: form({ token: "x", client_id: web }) },
      { method: "GET", path: "/oauth2/userInfo", options: { headers: { authorization: "Bearer x" } } },
      { method: "GET", path: "/login", query: authorizeQuery(web) },
      ...["/login", "/challenge", "/signup", "/confirm", "/forgotPassword", "/confirmForgotPassword"].map((path) => ({
        method: "POST",
        path,
        options: flowForm,
      })),
      { method: "GET", path: "/signup", query: authorizeQuery(web) },
      { method: "GET", path: "/forgotPassword", query: authorizeQuery(web) },
      { method: "GET", path: "/logout", query: `?client_id=${web}&logout_uri=${encodeURIComponent(`${APP}/`)}` },
      { method: "GET", path: `/${stack.poolId}/.well-known/openid-configuration` },
      {
        method: "POST",
        path: "/",
        options: {
          headers: {
            "content-type": "application/x-amz-json-1.1",
            "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth",
          },
          // No SECRET_HASH: cognito-local would sign in anyway, the gateway refuses.
          body: JSON.stringify({
            ClientId: confidential,
            AuthFlow: "USER_PASSWORD_AUTH",
            AuthParameters: { USERNAME: DEMO.username, PASSWORD: DEMO.password },
          }),
        },
      },
    ];
  }

  it("refuses every other spelling of every guarded route with a 404 of its own (a table of spellings × routes)", async () => {
    const requests = guardedRequests();
    let tried = 0;
    for (const { method, path, query = "", options } of requests) {
      for (const spelled of spellings(path)) {
        const what = `${method} ${spelled}`;
        const before = recorder.requests.length;
        const res = await rawRequest(watched.url, method, spelled + query, options);
        const reached = recorder.requests.slice(before).filter((r) => !isAllowedUpstream(r));
        expect(reached, `${what} reached cognito-local`).toEqual([]);
        expect(res.status, what).toBe(404);
        expect(res.body, what).not.toContain("<script>");
        expect(res.body, what).not.toContain("access_token");
        expect(res.body, what).not.toContain("AccessToken");
        expect(res.headers.location, what).toBeUndefined();
        if (String(res.headers["content-type"]).includes("text/html")) {
          expect(res.headers["content-security-policy"], what).toContain("default-src 'none'");
        }
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(requests.length * 15);
    // The gateway is still up (`//` once crashed it), and the canonical spelling still works.
    const res = await rawRequest(watched.url, "GET", `/oauth2/authorize${authorizeQuery(stack.web.clientId, "s")}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?/);
    expect(recorder.requests.filter((r) => !isAllowedUpstream(r))).toEqual([]);
  });

  it("refuses targets that are not a path: absolute-form and `*`", async () => {
    for (const target of [`${stack.upstreamUrl}/oauth2/authorize${authorizeQuery(stack.web.clientId)}`, "*"]) {
      const before = recorder.requests.length;
      const res = await rawRequest(watched.url, target === "*" ? "OPTIONS" : "GET", target);
      expect(res.status, target).toBe(404);
      expect(res.body).not.toContain("<script>");
      expect(recorder.requests.slice(before).filter((r) => !isAllowedUpstream(r))).toEqual([]);
    }
  });

  it("the issue's attacks fail: cognito-local's unescaped form and its secret-less token endpoint are out of reach", async () => {
    const confidential = stack.confidential.clientId;
    for (const path of ["/oauth2/authorize/", "/OAuth2/Authorize"]) {
      const res = await fetch(`${stack.url}${path}${authorizeQuery(stack.web.clientId)}`, { redirect: "manual" });
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("<script>");
    }
    // Sign in through cognito-local's own form (no checks) for the confidential client...
    const { challenge, verifier } = pkce();
    const signIn = form({
      client_id: confidential,
      redirect_uri: CALLBACK,
      response_type: "code",
      code_challenge: challenge,
      code_challenge_method: "S256",
      ...DEMO,
    });
    const viaGateway = await fetch(`${stack.url}/oauth2/authorize/`, { method: "POST", ...signIn, redirect: "manual" });
    expect(viaGateway.status).toBe(404);
    expect(viaGateway.headers.get("location")).toBeNull();
    // ...and even holding a code cognito-local issued (asked directly here), its
    // token endpoint, which checks no client secret, cannot be reached.
    const direct = await fetch(`${stack.upstreamUrl}/oauth2/authorize`, {
      method: "POST",
      ...signIn,
      redirect: "manual",
    });
    const code = new URL(direct.headers.get("location") ?? "http://x/").searchParams.get("code");
    expect(code, "cognito-local issued a code").toBeTruthy();
    for (const path of ["/oauth2/token/", "/OAUTH2/TOKEN", "/oauth2//token"]) {
      const res = await fetch(`${stack.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code: code!,
          redirect_uri: CALLBACK,
          client_id: confidential,
          code_verifier: verifier,
        }).toString(),
      });
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("access_token");
    }
  });
});

describe("Content-Security-Policy", () => {
  it("is on every HTML page the gateway answers with: forms, error pages, 404s, refused spellings", async () => {
    const q = authorizeQuery(stack.web.clientId);
    const pages: Array<[string, RequestInit?]> = [
      [`/login${q}`],
      [`/signup${q}`],
      [`/forgotPassword${q}`],
      ["/oauth2/authorize?client_id=nope"],
      ["/login", { method: "POST", ...form({ flow: "expired" }) }],
      ["/oauth2/authorize", { method: "POST", ...form({}) }],
      ["/logout"],
      ["/nowhere"],
      [`/oauth2/authorize/${q}`],
      [`/Login${q}`],
    ];
    for (const [path, init] of pages) {
      const headers = new Headers(init?.headers);
      headers.set("accept", "text/html");
      const res = await fetch(`${stack.url}${path}`, { ...init, headers, redirect: "manual" });
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("base-uri 'none'");
      expect(csp, path).not.toMatch(/script-src/);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });

  it("is on every other answer too (JSON, the gateway's and cognito-local's): opened as a page, it runs nothing", async () => {
    for (const path of [`/${stack.poolId}/.well-known/jwks.json`, "/health", "/oauth2/userInfo", "/nowhere"]) {
      const res = await fetch(`${stack.url}${path}`);
      await res.arrayBuffer();
      expect(res.headers.get("content-security-policy"), path).toContain("default-src 'none'");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });
});

describe("CORS: the app's origin only", () => {
  function corsRoutes(): Array<[string, string]> {
    return [
      ["/", "POST"],
      ["/oauth2/token", "POST"],
      ["/oauth2/revoke", "POST"],
      ["/oauth2/userInfo", "GET"],
      [`/${stack.poolId}/.well-known/openid-configuration`, "GET"],
      [`/${stack.poolId}/.well-known/jwks.json`, "GET"],
    ];
  }

  const preflight = (base: string, path: string, method: string, origin: string) =>
    fetch(`${base}${path}`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": method,
        "access-control-request-headers": "content-type, x-amz-target",
      },
    });

  it("answers preflights from the app's origin (by default: the origins registered on the app clients), refuses others", async () => {
    for (const [path, method] of corsRoutes()) {
      const ok = await preflight(stack.url, path, method, APP);
      expect(ok.status, path).toBe(204);
      expect(ok.headers.get("access-control-allow-origin"), path).toBe(APP);
      expect(ok.headers.get("access-control-allow-methods"), path).toContain(method);
      expect(ok.headers.get("access-control-allow-headers"), path).toContain("x-amz-target");
      expect(ok.headers.get("vary"), path).toContain("Origin");

      const refused = await preflight(stack.url, path, method, EVIL);
      expect(refused.status, path).toBe(403);
      expect(refused.headers.get("access-control-allow-origin"), path).toBeNull();
    }
  });

  it("lets the app's origin read answers (the gateway's own and cognito-local's passed through), never another origin, never *", async () => {
    const api = (operation: string, body: unknown) => ({
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    });
    const requests: Array<[string, string, RequestInit?]> = [
      [
        "InitiateAuth (the gateway's)",
        "/",
        api("InitiateAuth", {
          ClientId: stack.web.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: DEMO.username, PASSWORD: "wrong" },
        }),
      ],
      ["DescribeUserPool (passed through)", "/", api("DescribeUserPool", { UserPoolId: stack.poolId })],
      ["token endpoint", "/oauth2/token", { method: "POST", ...form({ grant_type: "authorization_code" }) }],
      ["userInfo", "/oauth2/userInfo"],
      ["openid-configuration", `/${stack.poolId}/.well-known/openid-configuration`],
      ["JWKS (passed through)", `/${stack.poolId}/.well-known/jwks.json`],
    ];
    for (const [what, path, init] of requests) {
      for (const origin of [APP, EVIL, undefined]) {
        const headers = new Headers(init?.headers);
        if (origin) headers.set("origin", origin);
        const res = await fetch(`${stack.url}${path}`, { ...init, headers });
        await res.arrayBuffer();
        const allowed = res.headers.get("access-control-allow-origin");
        expect(allowed, `${what} from ${origin}`).toBe(origin === APP ? APP : null);
      }
    }
  });

  it("follows the registered URLs: an app URL the seed adds is allowed at once", async () => {
    const other = "http://127.0.0.1:4321";
    expect((await preflight(stack.url, "/oauth2/token", "POST", other)).status).toBe(403);
    await stack.reseed([APP, other]);
    const res = await preflight(stack.url, "/oauth2/token", "POST", other);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(other);
  });

  it("can be configured: allowedOrigins replaces the registered URLs", async () => {
    const configured = await preflight(watched.url, "/oauth2/token", "POST", "http://localhost:5173");
    expect(configured.status).toBe(204);
    expect(configured.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const registered = await preflight(watched.url, "/oauth2/token", "POST", APP);
    expect(registered.status).toBe(403);
    expect(registered.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("login CSRF: the Hosted UI's forms come from its own pages, in the browser that opened them", () => {
  const FORM_PATHS = ["/login", "/challenge", "/signup", "/confirm", "/forgotPassword", "/confirmForgotPassword"];

  function postWith(path: string, fields: Record<string, string>, jar: CookieJar, headers: Record<string, string>) {
    return browse(`${stack.url}${path}`, jar, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  it("refuses every form another site makes the browser send (Fetch metadata, or else Origin): 403, nothing signed in", async () => {
    const jar = new CookieJar();
    const { flow, response } = await openSignInPage(stack, { clientId: stack.web.clientId }, jar);
    expect(response.headers.get("set-cookie")).toMatch(
      /^cognito_local_browser=[\w-]{32}; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const fromElsewhere: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      // Another port of localhost (the same site, another origin): where an attacker's dev page would be.
      { "sec-fetch-site": "same-site", origin: "http://localhost:5173" },
      { origin: "http://localhost:5173" },
      { origin: EVIL },
    ];
    for (const path of FORM_PATHS) {
      for (const headers of fromElsewhere) {
        const res = await postWith(path, { flow, ...DEMO }, jar, headers);
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(await res.text()).toContain("This form was sent from another site.");
      }
    }
    expect(jar.get("cognito_local_hosted")).toBeUndefined();
    // The page's own form as browsers send it (same-origin; Origin: null under its no-referrer policy) signs in.
    const own = await postWith("/login", { flow, ...DEMO }, jar, { "sec-fetch-site": "same-origin", origin: "null" });
    expect(callbackParams(own).code).toBeTruthy();
  });

  it("refuses a sign-in page another browser opened: an attacker's flow posted from the victim's browser signs nobody in", async () => {
    const attacker = new CookieJar();
    const { flow } = await openSignInPage(stack, { clientId: stack.web.clientId }, attacker);
    const victim = new CookieJar();
    await openSignInPage(stack, { clientId: stack.web.clientId }, victim); // a browser id of its own
    for (const [who, jar] of [
      ["a browser with its own id", victim],
      ["a browser with none", new CookieJar()],
    ] as const) {
      const res = await postForm(stack, "/login", { flow, ...DEMO }, jar);
      expect(res.status, who).toBe(400);
      expect(await res.text()).toContain("This page has expired");
      expect(jar.get("cognito_local_hosted"), who).toBeUndefined();
    }
    // The browser that opened it still signs in with it.
    expect(callbackParams(await postForm(stack, "/login", { flow, ...DEMO }, attacker)).code).toBeTruthy();
  });
});

describe("bounded in-memory state", () => {
  it("refuses new sign-in pages when full (503, a clear message), keeps the open ones working, and frees room as pages expire", async () => {
    let clock = Date.now();
    const { gateway, stack: gw } = await extraGateway({ limits: { flows: 3 }, now: () => clock });
    const open = [];
    for (let i = 0; i < 3; i++) {
      const jar = new CookieJar();
      open.push({ jar, ...(await openSignInPage(gw, { clientId: stack.web.clientId }, jar)) });
    }
    expect(gateway.stateSizes().flows).toBe(3);

    // A flood of new pages: each refused, none of the open ones evicted.
    for (let i = 0; i < 25; i++) {
      const res = await browse(open[0]!.loginUrl, new CookieJar());
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("60");
      expect(await res.text()).toContain("too many sign-in pages");
    }
    expect(gateway.stateSizes().flows).toBe(3);

    // A page opened before the flood still signs in.
    const signedIn = await postForm(gw, "/login", { flow: open[1]!.flow, ...DEMO }, open[1]!.jar);
    expect(callbackParams(signedIn).code).toBeTruthy();
    expect(gateway.stateSizes().flows).toBe(2);

    // Pages expire (15 minutes without a submit): room again, and the expired ones are refused.
    clock += 16 * 60_000;
    for (let i = 0; i < 3; i++) {
      const fresh = await browse(open[0]!.loginUrl, new CookieJar());
      expect(fresh.status).toBe(200);
    }
    expect(gateway.stateSizes().flows).toBe(3);
    const stale = await postForm(gw, "/login", { flow: open[0]!.flow, ...DEMO }, open[0]!.jar);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain("This page has expired");
  });

  it("refuses a sign-in when no authorization code can be issued, leaving nothing half-made, and lets it through once a code is redeemed", async () => {
    const { gateway, stack: gw } = await extraGateway({ limits: { codes: 1 } });
    const { verifier, challenge } = pkce();
    const firstJar = new CookieJar();
    const first = await openSignInPage(gw, { clientId: stack.web.clientId, challenge }, firstJar);
    const { code } = callbackParams(await postForm(gw, "/login", { flow: first.flow, ...DEMO }, firstJar));
    const before = gateway.stateSizes();

    const jar = new CookieJar();
    const second = await openSignInPage(gw, { clientId: stack.web.clientId }, jar);
    const refused = await postForm(gw, "/login", { flow: second.flow, ...DEMO }, jar);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain("too many authorization codes");
    expect(refused.headers.get("set-cookie")).toBeNull();
    const after = gateway.stateSizes();
    expect(after.codes).toBe(before.codes);
    expect(after.hostedSessions).toBe(before.hostedSessions);

    const redeemed = await tokenRequest(gw, { code: code!, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(redeemed.status).toBe(200);
    const retried = await postForm(gw, "/login", { flow: second.flow, ...DEMO }, jar);
    expect(callbackParams(retried).code).toBeTruthy();
  });

  it("refuses a sign-in when the hosted sessions are full; the signed-in browser keeps its session", async () => {
    const { gateway, stack: gw } = await extraGateway({ limits: { hostedSessions: 1 } });
    const signedIn = new CookieJar();
    const first = await openSignInPage(gw, { clientId: stack.web.clientId }, signedIn);
    callbackParams(await postForm(gw, "/login", { flow: first.flow, ...DEMO }, signedIn));

    const jar = new CookieJar();
    const second = await openSignInPage(gw, { clientId: stack.web.clientId }, jar);
    const refused = await postForm(gw, "/login", { flow: second.flow, ...DEMO }, jar);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain("too many hosted sign-in sessions");
    expect(gateway.stateSizes().hostedSessions).toBe(1);

    // The first browser is still signed in: no form, straight back with a code.
    const again = await browse(authorizeUrl(gw, { clientId: stack.web.clientId }), signedIn);
    expect(callbackParams(again).code).toBeTruthy();
  });

  it("refuses a new challenge (TooManyRequestsException) when the challenge sessions are full; the pending one can still be answered", async () => {
    const { stack: gw } = await extraGateway({ limits: { challengeSessions: 1 } });
    const client = sdk(gw.url);
    const user = await createUser(stack, { temporary: true });
    const initiate = () =>
      client.send(
        new InitiateAuthCommand({
          ClientId: stack.web.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
        }),
      );
    const pending = await initiate();
    expect(pending.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    await expectAwsError(initiate(), TooManyRequestsException);

    const answered = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: stack.web.clientId,
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: pending.Session,
        ChallengeResponses: { USERNAME: user.username, NEW_PASSWORD: `${user.password}New` },
      }),
    );
    expect(answered.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("keeps nothing for made-up tokens: revoking unknown tokens and presenting tokens of made-up pools leave no trace", async () => {
    const { gateway, stack: gw } = await extraGateway({});
    for (let i = 0; i < 30; i++) {
      const revoked = await fetch(`${gw.url}/oauth2/revoke`, {
        method: "POST",
        ...form({ token: `made-up-${i}-${"x".repeat(200)}`, client_id: stack.web.clientId }),
      });
      expect(revoked.status).toBe(200);

      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const forged = [
        b64({ alg: "RS256", kid: "CognitoLocal" }),
        b64({ iss: `${gw.url}/us-east-1_Made${i}Up`, token_use: "access", username: "x", exp: 9e9 }),
        "c2ln",
      ].join(".");
      const userInfo = await fetch(`${gw.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${forged}` } });
      expect(userInfo.status).toBe(401);
    }
    const sizes = gateway.stateSizes();
    expect(sizes.tokenFamilies).toBe(0);
    expect(sizes.refreshTokens).toBe(0);
    expect(sizes.revokedFamilies).toBe(0);
    expect(sizes.jwksPools).toBe(0);
  });
});
