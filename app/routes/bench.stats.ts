/**
 * Bench-only: counters the bench and the tests read to show that a code path
 * ran (today: the verified-session cache's hits and misses). Answers 404
 * unless BENCH_ROUTES=1 (off by default; never set it in a real deployment:
 * how many sessions an instance holds is nobody else's business).
 */
import { data } from "@remix-run/node";
import { verifiedSessionCacheStats } from "~/auth/current-session.server";
import { getEnv } from "~/env.server";

export async function loader() {
  if (!getEnv().benchRoutes) throw data({ message: "Not found" }, { status: 404 });
  // No Cache-Control here: the server answers everything the app renders with no-store.
  return Response.json({ sessionCache: verifiedSessionCacheStats() });
}
