/**
 * Request bodies are capped while they stream in, in the HTTP server, before
 * Remix (server/body-limit.js): a chunked body with no Content-Length is
 * stopped at 16 KiB like one that declares its size.
 */
import fs from "node:fs";
import http from "node:http";
import { describe, expect, it } from "vitest";
import type { RunningApp } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar, expectRedirect } from "../support/http.ts";

const LIMIT = 16 * 1024;
const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };

/**
 * The app's memory once it has stopped moving (the RSS unchanged within
 * 256 KiB over three readings 200 ms apart, or after 5 s): a server that
 * just served sign-ins is still collecting garbage and growing its heap.
 */
async function settledMemory(pid: number): Promise<{ rss: number; peak: number }> {
  const deadline = Date.now() + 5_000;
  let readings = [memory(pid)];
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    readings = [...readings.slice(-2), memory(pid)];
    const rss = readings.map((m) => m.rss);
    if (readings.length === 3 && Math.max(...rss) - Math.min(...rss) < 256) break;
  }
  return readings.at(-1)!;
}

/** Memory of the app process, in KiB: now (VmRSS) and its peak so far (VmHWM). */
function memory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)![1]);
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

interface Reply {
  status: number;
  body: string;
  /** Body bytes this client had written when the answer arrived. */
  sentWhenAnswered: number;
}

/**
 * POSTs a form body in `chunkSize` pieces up to `total` bytes with chunked
 * transfer encoding (no Content-Length) — or with the Content-Length given —
 * and stops writing as soon as the server answers or closes. Bounded in bytes
 * and by a deadline.
 */
function post(
  app: RunningApp,
  path: string,
  options: { prefix: string; total: number; chunkSize?: number; contentLength?: number },
): Promise<Reply> {
  const { prefix, total, chunkSize = 64 * 1024, contentLength } = options;
  return new Promise((resolve, reject) => {
    const url = new URL(path, app.url);
    const headers: Record<string, string> = {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: app.url,
    };
    if (contentLength !== undefined) headers["Content-Length"] = String(contentLength);
    const req = http.request(url, { method: "POST", headers });
    let sent = 0;
    let answered = false;
    const deadline = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within 20 s (client had sent ${sent} bytes)`));
    }, 20_000);
    req.on("response", (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        clearTimeout(deadline);
        req.destroy();
        resolve({ status: res.statusCode!, body, sentWhenAnswered });
      });
    });
    // Once the server answers and closes, writes fail: that is the point.
    req.on("error", (error) => {
      if (!answered) {
        clearTimeout(deadline);
        reject(error);
      }
    });
    if (contentLength !== undefined && total === 0) {
      req.flushHeaders();
      return;
    }
    const write = () => {
      while (!answered && !req.destroyed && sent < total) {
        const piece = sent === 0 ? prefix : "a".repeat(Math.min(chunkSize, total - sent));
        sent += Buffer.byteLength(piece);
        if (!req.write(piece)) {
          req.once("drain", write);
          return;
        }
      }
      if (!answered && !req.destroyed) req.end();
    };
    write();
  });
}

describe("request bodies are limited while they stream, before Remix", () => {
  const app = suiteApp();

  it("a normal form post still signs in", async () => {
    expectRedirect(await new CookieJar().post(`${app.url}/login`, DEMO), "/dashboard");
  });

  it("a chunked body just under the limit reaches Remix whole (it signs in)", async () => {
    const fields = `username=${encodeURIComponent(DEMO.username)}&password=${encodeURIComponent(DEMO.password)}&pad=`;
    const reply = await post(app, "/login", { prefix: fields, total: LIMIT, chunkSize: 1000 });
    expect(reply.status).toBe(302);
  });

  it("a chunked body one byte over the limit gets 413", async () => {
    const reply = await post(app, "/login", { prefix: "username=x&pad=", total: LIMIT + 1, chunkSize: 1000 });
    expect(reply.status).toBe(413);
    expect(reply.body).toContain("Request too large");
  });

  it("a declared Content-Length over the limit gets 413 before a single body byte is sent", async () => {
    const reply = await post(app, "/login", { prefix: "", total: 0, contentLength: 50 * 1024 * 1024 });
    expect(reply.status).toBe(413);
    expect(reply.sentWhenAnswered).toBe(0);
  });

  it.each([
    ["chunked, with no Content-Length", undefined],
    ["with its Content-Length declared", 64 * 1024 * 1024],
  ])(
    "a POST of 64 MB %s is answered 413 mid-upload, unread, and the server's memory does not grow",
    async (_how, contentLength) => {
      // Warm up, so the figures below are those of a server that has served sign-ins.
      for (let i = 0; i < 3; i++) expectRedirect(await new CookieJar().post(`${app.url}/login`, DEMO), "/dashboard");
      const before = await settledMemory(app.pid);
      const total = 64 * 1024 * 1024;
      const reply = await post(app, "/login", { prefix: "username=x&password=", total, contentLength });
      expect(reply.status).toBe(413);
      expect(reply.body).toContain("Request too large");
      // The server answered (and stopped reading) long before the upload could finish.
      expect(reply.sentWhenAnswered).toBeLessThan(total);
      const after = memory(app.pid);
      // Neither the peak nor the current RSS moved by more than a few MB.
      expect(after.peak - before.peak, `peak RSS ${before.peak} → ${after.peak} KiB`).toBeLessThan(6 * 1024);
      expect(after.rss - before.rss, `RSS ${before.rss} → ${after.rss} KiB`).toBeLessThan(6 * 1024);
      // And it still serves.
      expectRedirect(await new CookieJar().post(`${app.url}/login`, DEMO), "/dashboard");
    },
  );
});
