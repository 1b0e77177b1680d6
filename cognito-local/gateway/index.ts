/**
 * The emulator parity gateway: an HTTP front for cognito-local that the app
 * and the browser talk to instead of cognito-local itself, so the local stack
 * behaves like Amazon Cognito where the app depends on it (see
 * docs/decisions/003-emulator-gateway.md and cognito-local/README.md).
 *
 * It is built on cognito-local's public HTTP API only: everything it does not
 * need to change is passed through untouched, and cognito-local stays
 * unmodified on an internal loopback port.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { type DataDirLock, lockDataDir } from "../data-dir-lock.ts";
import { freePort } from "../free-port.ts";
import { startEmulator } from "../launcher.ts";
import { CognitoApi } from "./api.ts";
import { AuthorizationCodes } from "./authorization-codes.ts";
import { CorsPolicy } from "./cors.ts";
import { StoreFullError } from "./expiring-store.ts";
import { HostedUi } from "./hosted-ui/index.ts";
import { errorPage } from "./html.ts";
import { BodyTooLargeError, proxy, send, sendHtml, sendJson } from "./http.ts";
import { OAuthEndpoints } from "./oauth.ts";
import { canonicalTarget } from "./request-target.ts";
import { Upstream } from "./upstream.ts";

export interface GatewayOptions {
  /** cognito-local's own URL (an internal loopback port). */
  upstreamUrl: string;
  /** Port to listen on (0: any free port; the result says which). */
  port: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * The URL clients use to reach the gateway, and the token issuer domain
   * (`iss = <publicUrl>/<poolId>`). Default `http://<host>:<port>`.
   */
  publicUrl?: string;
  /** Each line the gateway logs (default: discarded). */
  log?: (line: string) => void;
  /** Authorization code lifetime. Default 5 minutes, as on AWS; tests shorten it. */
  codeTtlMs?: number;
  /**
   * Directory for the gateway's own durable state (passkeys, settings
   * cognito-local drops, the token families). Default: in memory only.
   */
  stateDir?: string;
  /**
   * cognito-local's data directory (`<dataDir>/.cognito/db`), which SRP
   * sign-in reads passwords from (ADR 020). Without it SRP is refused.
   */
  cognitoDataDir?: string;
  /** Every email sign-in code is this (like cognito-local's `CODE`). Default: random. */
  fixedCode?: string;
  /** Challenge session (and email code) lifetime. Default 3 minutes, as on AWS; tests shorten it. */
  challengeTtlMs?: number;
  /**
   * Web origins allowed to read the gateway's answers from a browser (CORS),
   * e.g. `["http://localhost:3000"]`. Default: the origins of the callback and
   * sign-out URLs registered on the app clients (the seed registers APP_URL).
   */
  allowedOrigins?: readonly string[];
  /** Caps on the in-memory state; see GatewayLimits. */
  limits?: Partial<GatewayLimits>;
  /**
   * The OpenID issuer that plays Google: the pool's `Google` identity
   * providers sign in there (the local identity provider in `npm run dev` and
   * the tests). Unset: a Google sign-in shows a page saying how to set it.
   */
  googleIssuer?: string;
  /** The clock of the Hosted UI's expiring state (tests move it). Default Date.now. */
  now?: () => number;
}

/**
 * Most entries each in-memory store holds. When one is full, expired entries
 * are dropped and, if it is still full, new ones are refused (503 on pages and
 * the token endpoint, TooManyRequestsException on the API): live entries are
 * never evicted.
 */
export interface GatewayLimits {
  /** Hosted UI pages waiting for their form (anyone can open one). */
  flows: number;
  /** Hosted UI signed-in sessions (the `cognito_local_hosted` cookie). */
  hostedSessions: number;
  /** Authorization codes not yet redeemed. */
  codes: number;
  /** API challenge sessions (MFA, new password) not yet answered. */
  challengeSessions: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  flows: 5_000,
  hostedSessions: 5_000,
  codes: 5_000,
  challengeSessions: 5_000,
};

export interface RunningGateway {
  url: string;
  port: number;
  /** Entries held by each in-memory store, for tests and diagnostics. */
  stateSizes(): Record<string, number>;
  stop(): Promise<void>;
}

/** What every answer carries; HTML pages replace the CSP with their own (inline style only). */
const BASE_HEADERS = {
  "Content-Security-Policy": "default-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
};

/** A pool's public keys: the one cognito-local path the gateway passes through besides the API. */
const JWKS_PATH = /^\/[A-Za-z0-9-]+_[A-Za-z0-9]+\/\.well-known\/jwks\.json$/;
const OPENID_CONFIGURATION_PATH = /^\/[A-Za-z0-9-]+_[A-Za-z0-9]+\/\.well-known\/openid-configuration$/;

/** Paths a browser app may call cross-origin, and the methods it may use there. */
function corsMethods(pathname: string): string | null {
  if (pathname === "/" || pathname === "/oauth2/token" || pathname === "/oauth2/revoke") return "POST";
  if (pathname === "/oauth2/userInfo") return "GET, POST";
  if (JWKS_PATH.test(pathname) || OPENID_CONFIGURATION_PATH.test(pathname)) return "GET";
  return null;
}

/**
 * What goes to cognito-local as it is: its health check and the JWKS. (API
 * calls pass through handleApi.) Nothing else does, so its own OAuth routes
 * and sign-in form can never answer, whatever the gateway's routes miss.
 */
function passesThrough(method: string | undefined, pathname: string): boolean {
  return (method === "GET" || method === "HEAD") && (pathname === "/health" || JWKS_PATH.test(pathname));
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => {});
  const upstream = new Upstream(options.upstreamUrl);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const codes = new AuthorizationCodes(options.codeTtlMs ?? 5 * 60_000, limits.codes, now);
  const cors = new CorsPolicy(upstream, options.allowedOrigins);

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const publicUrl = (options.publicUrl ?? `http://${host}:${port}`).replace(/\/+$/, "");

  const api = new CognitoApi({
    upstream,
    publicUrl,
    log,
    challengeSessionLimit: limits.challengeSessions,
    stateDir: options.stateDir,
    cognitoDataDir: options.cognitoDataDir,
    fixedCode: options.fixedCode,
    challengeTtlMs: options.challengeTtlMs,
    googleIssuer: options.googleIssuer,
    // Provider sign-ins under way are Hosted UI pages waiting too.
    federationLimit: limits.flows,
    now,
  });
  const hosted = new HostedUi({
    upstream,
    api,
    codes,
    secureCookie: publicUrl.startsWith("https:"),
    log,
    limits,
    now,
  });
  const oauth = new OAuthEndpoints({ upstream, api, codes, publicUrl });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(BASE_HEADERS)) res.setHeader(name, value);
    // One reading of the path, before any routing: a spelling that is not
    // canonical is refused here, so no route (ours or cognito-local's) sees it.
    const target = canonicalTarget(req.url);
    if (!target) return notFound(req, res);
    const url = new URL(target.target, publicUrl);
    try {
      const methods = corsMethods(target.pathname);
      if (methods) {
        if (req.method === "OPTIONS") return await preflight(req, res, methods);
        for (const [name, value] of Object.entries(await cors.headers(req))) res.setHeader(name, value!);
      }
      if (req.method === "POST" && target.pathname === "/") return cors.observe(await api.handle(req, res, target));
      if (await hosted.handle(req, res, url)) return;
      if (await oauth.handle(req, res, url)) return;
      if (passesThrough(req.method, target.pathname)) return await proxy(req, res, upstream.url, target.target);
      notFound(req, res);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { message: error.message });
      if (res.headersSent) return void res.destroy();
      const html = (req.headers.accept ?? "").includes("text/html");
      if (error instanceof StoreFullError) {
        log(`${req.method} ${target.pathname} refused: ${error.store} at capacity`);
        const headers = { "Retry-After": "60" };
        if (html) return sendHtml(res, 503, errorPage("Too busy", error.message), headers);
        return sendJson(res, 503, { error: "temporarily_unavailable", error_description: error.message }, headers);
      }
      log(`${req.method} ${target.pathname} failed: ${(error as Error).stack ?? error}`);
      if (html)
        sendHtml(res, 500, errorPage("Something went wrong", "The local Hosted UI could not complete the request."));
      else sendJson(res, 500, { error: "server_error", message: (error as Error).message });
    }
  };

  const preflight = async (req: IncomingMessage, res: ServerResponse, methods: string) => {
    const headers = await cors.preflight(req, methods);
    if (headers) return send(res, 204, "", headers);
    sendJson(
      res,
      403,
      { message: "This origin may not call the local Cognito from a browser (see allowedOrigins)." },
      { Vary: "Origin" },
    );
  };

  server.on("request", (req, res) => void handle(req, res));

  // Forget expired codes, pages, sessions.
  const sweeper = setInterval(() => {
    codes.sweep();
    hosted.sweep();
    api.sweep();
  }, 60_000);
  sweeper.unref();

  log(`gateway listening on ${publicUrl} (cognito-local behind it at ${options.upstreamUrl})`);
  let stopped: Promise<void> | undefined;
  return {
    url: publicUrl,
    port,
    stateSizes: () => ({
      ...hosted.stateSizes(),
      codes: codes.size,
      ...api.stateSizes(),
      jwksPools: upstream.jwksPoolCount,
    }),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        clearInterval(sweeper);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/** 404 for a path nobody serves, or one not spelled the canonical way (an HTML page for browsers). */
function notFound(req: IncomingMessage, res: ServerResponse) {
  if ((req.headers.accept ?? "").includes("text/html")) {
    return sendHtml(res, 404, errorPage("Not found", "There is no page at this address."));
  }
  sendJson(res, 404, { message: "Not found" });
}

export interface LocalCognitoOptions {
  /** Folder cognito-local runs in; its data lives in `<dataDir>/.cognito/db`. */
  dataDir: string;
  /** The gateway's port: the one clients use. */
  port: number;
  host?: string;
  /** See GatewayOptions.publicUrl. */
  publicUrl?: string;
  /** Extra environment for cognito-local, e.g. `CODE` to fix confirmation codes in tests. */
  env?: Record<string, string>;
  /** Each line cognito-local prints, and the gateway's own lines (prefixed `gateway: `). */
  onLog?: (line: string) => void;
  codeTtlMs?: number;
  challengeTtlMs?: number;
  /** See GatewayOptions.allowedOrigins. */
  allowedOrigins?: readonly string[];
  /** See GatewayOptions.limits. */
  limits?: Partial<GatewayLimits>;
  /** See GatewayOptions.googleIssuer. */
  googleIssuer?: string;
  /** See GatewayOptions.now. */
  now?: () => number;
}

export interface RunningLocalCognito {
  /** The gateway's URL: COGNITO_ENDPOINT and COGNITO_DOMAIN. */
  url: string;
  port: number;
  /** cognito-local's own URL, behind the gateway. */
  upstreamUrl: string;
  /** cognito-local's process ID. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * cognito-local on a free internal loopback port, with its IssuerDomain set
 * to the gateway's public URL (so token `iss` matches the JWKS the gateway
 * serves), and the gateway in this process on `port`.
 */
export async function startLocalCognito(options: LocalCognitoOptions): Promise<RunningLocalCognito> {
  const host = options.host ?? "127.0.0.1";
  // Refused before anything starts if another emulator has this directory.
  const lock = lockDataDir(options.dataDir);
  try {
    return await startLocked(options, host, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(
  options: LocalCognitoOptions,
  host: string,
  lock: DataDirLock,
): Promise<RunningLocalCognito> {
  const upstreamPort = await freePort(host);
  const upstreamUrl = `http://${host}:${upstreamPort}`;
  const onLog = options.onLog;
  const gateway = await startGateway({
    upstreamUrl,
    port: options.port,
    host,
    publicUrl: options.publicUrl,
    log: onLog ? (line) => onLog(`gateway: ${line}`) : undefined,
    codeTtlMs: options.codeTtlMs,
    challengeTtlMs: options.challengeTtlMs,
    // Beside cognito-local's own data, so one directory is the whole emulator.
    stateDir: path.join(options.dataDir, ".gateway"),
    cognitoDataDir: path.join(options.dataDir, ".cognito", "db"),
    // cognito-local's CODE fixes the gateway's email codes too.
    fixedCode: options.env?.CODE ?? process.env.CODE,
    allowedOrigins: options.allowedOrigins,
    limits: options.limits,
    googleIssuer: options.googleIssuer,
    now: options.now,
  });
  let emulator;
  try {
    emulator = await startEmulator({
      dataDir: options.dataDir,
      port: upstreamPort,
      host,
      issuerDomain: gateway.url,
      env: options.env,
      onLog,
    });
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  const running = emulator;
  return {
    url: gateway.url,
    port: gateway.port,
    upstreamUrl,
    pid: running.pid,
    async stop() {
      try {
        await gateway.stop();
        await running.stop();
      } finally {
        lock.release();
      }
    },
  };
}
