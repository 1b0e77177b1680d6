/**
 * The app's HTTP server, for `npm start` and `npm run dev` alike.
 *
 * Static assets, compression, a request log, memory handed back when idle, the Remix handler and live
 * reload in development, plus what made us stop using
 * remix-serve (docs/decisions/005-own-http-server.md):
 *  - it answers cross-site form posts with a clear 403 page *before* Remix,
 *    whose own origin check would otherwise end them in a bare 500;
 *  - it hands the client's IP address to the app (load context), so sign-in
 *    attempts can be rate-limited per address;
 *  - it reads request bodies once, stopping at 16 KiB while they stream in
 *    (413 at once beyond that), before Remix sees them (./body-limit.js).
 * The decisions themselves live in the app (app/entry.server.tsx exports
 * them), so there is one implementation. See docs/decisions/004-csrf-and-rate-limits.md.
 *
 * Plain JavaScript so production needs no TypeScript tooling.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import url from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";
import { withBodyLimit } from "./body-limit.js";
import { collectWhenIdle } from "./idle-gc.js";

const ROOT = path.resolve(path.dirname(url.fileURLToPath(import.meta.url)), "..");
const BUILD_PATH = path.join(ROOT, "build/index.js");
// Production unless told otherwise (`remix dev` says development).
process.env.NODE_ENV ??= "production";
const development = process.env.NODE_ENV === "development";

// No installGlobals(): Node 22 and later (package.json engines) have fetch, Request, Response,
// Headers, FormData and File built in, which is what Remix's single fetch expects. The polyfill would load
// a second copy of undici (~95 files) at every start-up.

/** Imports the server build; in development a fresh copy after each rebuild. */
async function importBuild() {
  const stat = fs.statSync(BUILD_PATH);
  return import(`${url.pathToFileURL(BUILD_PATH).href}?t=${stat.mtimeMs}`);
}

let build = await importBuild();

const app = express();
app.disable("x-powered-by");
// Memory back to the system after a burst (./idle-gc.js; needs --expose-gc, as `npm start` has it).
const idleGc = collectWhenIdle();
if (idleGc.enabled) {
  app.use((_req, _res, next) => {
    idleGc.touch();
    next();
  });
} else if (!development) {
  console.info("[server] memory is not handed back after bursts: node runs without --expose-gc (npm start has it)");
}
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(ROOT, "public"), { maxAge: "1h" }));
// Paths only, never query strings: those carry OAuth codes and states
// (/auth/callback), email addresses and codes (/confirm, /reset-password)
// and whatever else a link puts there. Otherwise morgan's "tiny" format.
morgan.token("path", (req) => (req.originalUrl ?? req.url).split("?")[0]);
app.use(morgan(":method :path :status :res[content-length] - :response-time ms"));

/** Express request → the Fetch-style pieces the app's checks take (`url`: the request target as it came). */
function requestInfo(req) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(", "));
  }
  return { method: req.method, url: req.originalUrl, headers, peerAddress: req.socket.remoteAddress ?? null };
}

// Nothing the app itself answers may be kept by a cache: every page reads the
// session (the header shows who is signed in), many set or clear a session
// cookie, and account pages show personal data (a TOTP secret, even). A
// shared cache would hand one person's page to the next; the back-forward
// cache of a shared computer would show it after sign-out. So every response
// from here on (pages, data requests, redirects, resource routes, errors) is
// `no-store`; only the static assets above are cached. One place, so no route
// can forget it (routes set no Cache-Control of their own).
app.use((_req, res, next) => {
  res.setHeader("Cache-Control", "no-store");
  next();
});

// Before Remix, on what the request says of itself: the JSON API's CORS (its headers on every answer
// under /api, and preflights answered here: app/http/api-cors.server.ts), then the cross-site refusal.
app.use((req, res, next) => {
  const { apiCors, crossSiteRefusal } = build.entry.module;
  const info = requestInfo(req);
  const cors = apiCors(info);
  if (cors) {
    res.set(cors.headers);
    if (cors.reply) return void res.status(cors.reply.status).send(cors.reply.body);
  }
  const page = crossSiteRefusal(info);
  if (page) res.status(403).type("html").set(page.headers).send(page.body);
  else next();
});

/** One Remix handler per build (creating it per request would redo its setup every time). */
function remixHandler() {
  return createRequestHandler({
    build,
    mode: development ? "development" : "production",
    getLoadContext: (req) => build.entry.module.loadContext(requestInfo(req)),
  });
}
let handleWithRemix = remixHandler();
// Each request gets its own scope, so its loaders share work (see app/http/request-scope.server.ts).
app.all(
  "*",
  withBodyLimit((req, res, next) => build.entry.module.runInRequestScope(() => handleWithRemix(req, res, next))),
);

// The app's start-up work before the first request (the session registry loads its revocations).
await build.entry.module.whenReady();

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST;
const onListen = () => {
  console.log(`[server] http://${host ?? "localhost"}:${port}`);
  if (development) void broadcastDevReady(build);
};
// Repeated request headers are joined (", "), none dropped: Node keeps only the first of two
// Authorization headers otherwise, and the API must see both to refuse them (RFC 6750: one token).
const server = http.createServer({ joinDuplicateHeaders: true }, app);
if (host) server.listen(port, host, onListen);
else server.listen(port, onListen);

if (development) {
  // `remix dev` rebuilds into build/; pick the new build up and tell it we are ready.
  let timer;
  fs.watch(path.dirname(BUILD_PATH), () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        build = await importBuild();
        handleWithRemix = remixHandler();
        await broadcastDevReady(build);
      } catch (error) {
        console.error(error);
      }
    }, 50);
  });
}

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
