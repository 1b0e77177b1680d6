/**
 * The floor under every request the app answers, for the bench's passwordless
 * rows: this build's Remix handler on Express and nothing else (no compression,
 * static files, access log, request scope, body limit or cross-site check), and
 * a bare Node HTTP reply on the same server for `GET /__bare`.
 *
 * The bench times `GET /healthz` here and through the app in the same rounds,
 * so each run shows how much of the app's per-request floor is the framework
 * and HTTP themselves and how much is the app's own layers.
 *
 * Plain JavaScript, started like server/index.js (`node framework-floor.js`,
 * PORT/HOST and the app's environment).
 */
import http from "node:http";
import path from "node:path";
import url from "node:url";
import { createRequestHandler } from "@remix-run/express";
import express from "express";

const ROOT = path.resolve(path.dirname(url.fileURLToPath(import.meta.url)), "../../..");
const build = await import(url.pathToFileURL(path.join(ROOT, "build/index.js")).href);
await build.entry.module.whenReady();

const app = express();
app.disable("x-powered-by");
app.all(
  "*",
  createRequestHandler({
    build,
    mode: "production",
    getLoadContext: (req) =>
      build.entry.module.loadContext({ headers: new Headers(), peerAddress: req.socket.remoteAddress ?? null }),
  }),
);

const BARE = JSON.stringify({ ok: true });
http
  .createServer((req, res) => {
    if (req.url !== "/__bare") return app(req, res);
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(BARE),
      "Cache-Control": "no-store",
    });
    res.end(BARE);
  })
  .listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1", () => console.log("[floor] listening"));

process.once("SIGTERM", () => process.exit(0));
