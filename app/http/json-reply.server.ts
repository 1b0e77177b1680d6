/**
 * A JSON response that states its length. Remix streams a body without a length, so the
 * server's compression would wrap even a few hundred bytes in a gzip or brotli stream of its own:
 * about a millisecond of CPU per reply on the bench machine, more than the reply's other work
 * (docs/benchmarks.md). With the length known, compression leaves replies under its 1 KB
 * threshold alone and still compresses larger ones.
 */
export function jsonReply(body: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  const json = JSON.stringify(body);
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Content-Length", String(Buffer.byteLength(json)));
  return new Response(json, { status: init.status ?? 200, headers });
}
