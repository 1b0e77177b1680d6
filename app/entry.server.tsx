/**
 * Server entry: renders each document request with React streaming.
 */
import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { logStartup } from "~/auth/startup.server";
import { NonceContext } from "~/components/nonce";
import { getEnv } from "~/env.server";
import { redisStore } from "~/http/limiter-store.server";
import { clientIp, setRateLimitStore } from "~/http/rate-limit.server";
import { setRequestClientIp } from "~/http/request-scope.server";
import { applySecurityHeaders, createNonce } from "~/http/security-headers.server";
import { startSessionRegistry } from "~/sessions/configured-registry.server";
import type { RedisSessionRegistry } from "~/sessions/redis-registry.server";

// Configuration is validated when the server bundle loads: a bad value stops
// the app here, with a message naming the variable, before any request.
getEnv();
logStartup();

export const streamTimeout = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  const nonce = createNonce();
  applySecurityHeaders(responseHeaders, nonce);
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    // Declared first: React may call back before renderToPipeableStream returns.
    let abortTimer: NodeJS.Timeout | undefined;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          // Once the page is sent, drop the abort timer: left running it would
          // keep this render (and its response) in memory for seconds.
          body.on("close", () => clearTimeout(abortTimer));
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors during the shell are logged by Remix; log only later ones.
          if (shellRendered) console.error(error);
        },
      },
    );
    abortTimer = setTimeout(abort, streamTimeout + 1000);
  });
}

/** Data requests (client navigations) get the non-CSP headers too. */
export function handleDataRequest(response: Response) {
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "same-origin");
  return response;
}

// --- Used by the HTTP server (server/index.js) before and around Remix.
export { apiCors } from "~/http/api-cors.server";
export { crossSiteRefusal } from "~/http/csrf.server";
export { runInRequestScope } from "~/http/request-scope.server";

/**
 * The server awaits this before it listens: the session registry has loaded its revocations (or
 * gave up, loudly), and with REDIS_URL the rate limits count in the same Redis, shared by every
 * instance (one connection for both; see app/http/rate-limit.server.ts's seam).
 */
export async function whenReady(): Promise<void> {
  const registry = await startSessionRegistry();
  const { redis, rateLimits } = getEnv();
  if (redis && registry.kind === "redis") {
    const client = (registry as RedisSessionRegistry).client;
    setRateLimitStore(redisStore(client, { keyPrefix: redis.keyPrefix, maxKeys: rateLimits.maxKeys }));
  }
}

export function loadContext(request: { headers: Headers; peerAddress: string | null }): AppLoadContext {
  const ip = clientIp(request);
  // Sign-in records the (truncated) address in the session list without threading the context through.
  setRequestClientIp(ip);
  return { clientIp: ip };
}
