/**
 * Bench-only: counters the bench and the tests read to show that a code path
 * ran (the verified-session cache's hits and misses), and where the process's
 * memory is (V8's heap spaces against RSS), so the bench can say what holds
 * memory at the peak of a load. Only in a build made with BENCH_ROUTES=1
 * (remix.config.js), and there it answers 404 unless the server runs with
 * BENCH_ROUTES=1 too (never in a real deployment: how many sessions an
 * instance holds is nobody else's business).
 */
import v8 from "node:v8";
import { data } from "@remix-run/node";
import { verifiedSessionCacheStats } from "~/auth/auth.server";
import { getEnv } from "~/env.server";
import { jsonReply } from "~/http/json-reply.server";

export async function loader() {
  if (!getEnv().benchRoutes) throw data({ message: "Not found" }, { status: 404 });
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const spaces = Object.fromEntries(
    v8
      .getHeapSpaceStatistics()
      .map((s) => [s.space_name, { committed: s.physical_space_size, used: s.space_used_size }]),
  );
  const { heap_size_limit: heapSizeLimit } = v8.getHeapStatistics();
  // No Cache-Control here: the server answers everything the app renders with no-store.
  return jsonReply({
    sessionCache: verifiedSessionCacheStats(),
    memory: { rss, heapTotal, heapUsed, external, arrayBuffers, heapSizeLimit, spaces },
  });
}
