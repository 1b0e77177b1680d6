/**
 * The app under load: the shared app launcher (scripts/lib/app-process.ts)
 * with a small memory probe preloaded, so the load script can ask the app for
 * its memory after a full garbage collection (what it really holds on to).
 */
import path from "node:path";
import { type AppProcess, ensureBuild, startApp } from "../app-process.ts";
import { ROOT } from "../root.ts";

export { ensureBuild };

const MEMORY_PROBE = path.join(ROOT, "scripts/lib/load/memory-probe.cjs");

/** The app's memory right after a full garbage collection. */
export interface MemoryAfterGc {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface Server extends AppProcess {
  /** Forces a full GC in the app (via the preloaded memory probe) and reports its memory afterwards. */
  memoryAfterGc(): Promise<MemoryAfterGc>;
}

export async function startServer(port: number, env: Record<string, string>): Promise<Server> {
  const probeWaiters: ((m: MemoryAfterGc) => void)[] = [];
  const app = await startApp({
    port,
    env: {
      // Every simulated user signs in from 127.0.0.1 at once: lift the cap on
      // sign-ins checked in parallel per address (10 by default). Successes
      // are never counted, so the failure limits need no change.
      RATE_LIMIT_MAX_IN_FLIGHT_PER_IP: "100000",
      ...env,
    },
    nodeArgs: ["--expose-gc", "--require", MEMORY_PROBE],
    onLine(line) {
      if (line.startsWith("[memory-probe] ")) probeWaiters.shift()?.(JSON.parse(line.slice(15)) as MemoryAfterGc);
    },
  });
  return {
    ...app,
    memoryAfterGc() {
      return new Promise<MemoryAfterGc>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the app's memory probe did not answer")), 10_000);
        probeWaiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
        process.kill(app.pid, "SIGUSR2");
      });
    },
  };
}
