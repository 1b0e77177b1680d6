/**
 * Small node:http helpers for the gateway: body reading, responses, cookies
 * and the raw pass-through to cognito-local.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";

/** Largest request body the gateway buffers (forms and JSON API calls are tiny). */
const MAX_BODY = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new BodyTooLargeError("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: OutgoingHttpHeaders = {},
): void {
  const payload = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, "Content-Length": payload.length });
  res.end(payload);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  send(res, status, JSON.stringify(body), { "Content-Type": "application/json;charset=UTF-8", ...headers });
}

/** Security headers for every HTML page the gateway renders. */
const PAGE_HEADERS: OutgoingHttpHeaders = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  // Inline <style> only: no script, no frames, no plugins. (No form-action:
  // browsers apply it to the redirect that follows a POST, and sign-in ends
  // with a redirect to the app's origin.)
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

export function sendHtml(res: ServerResponse, status: number, html: string, headers: OutgoingHttpHeaders = {}): void {
  send(res, status, html, { ...PAGE_HEADERS, ...headers });
}

export function redirect(res: ServerResponse, location: string, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(302, { Location: location, "Cache-Control": "no-store", "Content-Length": 0, ...headers });
  res.end();
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !(name in cookies)) cookies[name] = value;
  }
  return cookies;
}

export function isForm(req: IncomingMessage): boolean {
  return (req.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
]);

/**
 * cognito-local's answer headers the gateway sets itself: CORS (cognito-local
 * allows every origin) and the security headers every answer gets.
 */
const REPLACED_ANSWER_HEADERS = /^(?:access-control-|content-security-policy$|x-content-type-options$|x-powered-by$)/;

/**
 * Forwards the request to cognito-local at `target` (the canonical path and
 * query) and streams its answer back. `body` is the already-buffered body,
 * when the gateway had to read it to decide; otherwise the request is piped.
 */
export function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: URL,
  target: string,
  body?: Buffer,
): Promise<void> {
  return new Promise((resolve) => {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    }
    headers.host = upstream.host;
    if (body) headers["content-length"] = body.length;
    const upstreamReq = http.request(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: target,
        headers,
      },
      (upstreamRes) => {
        const out: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(upstreamRes.headers)) {
          if (!HOP_BY_HOP.has(name) && !REPLACED_ANSWER_HEADERS.test(name) && value !== undefined) out[name] = value;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, out);
        upstreamRes.pipe(res);
        upstreamRes.on("end", resolve);
        upstreamRes.on("error", () => resolve());
      },
    );
    upstreamReq.on("error", () => {
      if (!res.headersSent) sendJson(res, 502, { message: "cognito-local is not reachable behind the gateway" });
      else res.destroy();
      resolve();
    });
    if (body) upstreamReq.end(body);
    else req.pipe(upstreamReq);
  });
}
