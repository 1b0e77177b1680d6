/**
 * A loopback HTTP proxy in front of the emulator that counts the Cognito API
 * calls passing through (by X-Amz-Target), and records every request line, so
 * tests can prove that bad input never reaches Cognito.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface CountingProxy {
  url: string;
  /** Operation names seen, e.g. ["InitiateAuth"]. */
  calls: string[];
  /** Every request that passed, as sent (method and raw request target). */
  requests: Array<{ method: string; target: string }>;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const calls: string[] = [];
  const requests: Array<{ method: string; target: string }> = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const op = String(req.headers["x-amz-target"] ?? "").split(".")[1];
    if (op) calls.push(op);
    requests.push({ method: req.method ?? "", target: req.url ?? "" });
    const forward = http.request(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
