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
import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { freePort } from "../../scripts/lib/free-port.ts";
import { startEmulator } from "../launcher.ts";
import { CognitoApi, PASS_THROUGH } from "./api.ts";
import { AuthorizationCodes } from "./authorization-codes.ts";
import { AwsError, toAwsError } from "./errors.ts";
import { HostedUi } from "./hosted-ui.ts";
import { errorPage } from "./html.ts";
import { BodyTooLargeError, proxy, readBody, send, sendHtml, sendJson } from "./http.ts";
import { OAuthEndpoints } from "./oauth.ts";
import { TokenRegistry } from "./token-registry.ts";
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
   * cognito-local drops, refresh tokens it mints). Default: in memory only.
   */
  stateDir?: string;
  /** Every email sign-in code is this (like cognito-local's `CODE`). Default: random. */
  fixedCode?: string;
  /** Challenge session (and email code) lifetime. Default 3 minutes, as on AWS; tests shorten it. */
  challengeTtlMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const AMZ_JSON = "application/x-amz-json-1.1";

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => {});
  const upstream = new Upstream(options.upstreamUrl);
  const registry = new TokenRegistry();
  const codes = new AuthorizationCodes(options.codeTtlMs ?? 5 * 60_000);

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
    registry,
    publicUrl,
    log,
    stateDir: options.stateDir,
    fixedCode: options.fixedCode,
    challengeTtlMs: options.challengeTtlMs,
  });
  const hosted = new HostedUi({ upstream, api, codes, secureCookie: publicUrl.startsWith("https:"), log });
  const oauth = new OAuthEndpoints({ upstream, api, codes, registry, publicUrl });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", publicUrl);
    try {
      if (req.method === "POST" && url.pathname === "/" && req.headers["x-amz-target"]) {
        return await handleApi(req, res);
      }
      if (await hosted.handle(req, res, url)) return;
      if (await oauth.handle(req, res, url)) return;
      await proxy(req, res, upstream.url);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { message: error.message });
      log(`${req.method} ${url.pathname} failed: ${(error as Error).stack ?? error}`);
      if (res.headersSent) return void res.destroy();
      const html = (req.headers.accept ?? "").includes("text/html");
      if (html)
        sendHtml(res, 500, errorPage("Something went wrong", "The local Hosted UI could not complete the request."));
      else sendJson(res, 500, { error: "server_error", message: (error as Error).message });
    }
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const operation = String(req.headers["x-amz-target"]).split(".")[1] ?? "";
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : {};
    } catch {
      body = null;
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      return sendAws(res, new AwsError("SerializationException", "The request body is not a JSON object"));
    }
    let result: unknown;
    try {
      result = await api.dispatch(operation, body as Record<string, unknown>);
    } catch (error) {
      const e = toAwsError(error);
      if (e.status >= 500) log(`${operation} failed: ${e.message}`);
      return sendAws(res, e);
    }
    if (result === PASS_THROUGH) return proxy(req, res, upstream.url, raw);
    sendAws(res, result);
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

/** Answers in the Cognito JSON API's shape: the result, or `{__type, message}` for an error. */
function sendAws(res: ServerResponse, result: unknown) {
  const headers = { "Content-Type": AMZ_JSON, "x-amzn-RequestId": randomUUID(), "Access-Control-Allow-Origin": "*" };
  if (result instanceof AwsError) {
    send(res, result.status, JSON.stringify({ __type: result.type, message: result.message }), {
      ...headers,
      "x-amzn-ErrorType": result.type,
    });
    return;
  }
  send(res, 200, JSON.stringify(result ?? {}), headers);
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
    // cognito-local's CODE fixes the gateway's email codes too.
    fixedCode: options.env?.CODE ?? process.env.CODE,
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
      await gateway.stop();
      await running.stop();
    },
  };
}
