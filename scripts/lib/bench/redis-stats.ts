/**
 * What the Redis-backed app asks of Redis: the server's own count of
 * commands processed and its CPU time, read around a load round, so the bench
 * can show whether a request costs a round trip to the store.
 */
import { createClient } from "@redis/client";
import { readCpuMs } from "../app-process.ts";
import type { RunningRedis } from "../redis.ts";

export interface RedisProbe {
  /** `total_commands_processed` from INFO, minus the INFO calls this probe made itself. */
  commands(): Promise<number>;
  /** Calls per command name (INFO commandstats), minus this probe's own INFO calls. */
  commandStats(): Promise<Record<string, number>>;
  /** CPU time of the redis-server process so far (user + system), in ms. */
  cpuMs(): number;
  close(): Promise<void>;
}

export async function probeRedis(redis: RunningRedis): Promise<RedisProbe> {
  const client = createClient({ url: redis.url });
  client.on("error", () => {}); // the bench reports the figures; a lost connection shows as a failed read
  await client.connect();
  let ownCalls = 0;
  return {
    async commands() {
      const info = await client.info("stats");
      ownCalls++;
      const total = Number(info.match(/^total_commands_processed:(\d+)/m)?.[1]);
      // This INFO is counted once it has run: leave our own calls out.
      return total - ownCalls;
    },
    async commandStats() {
      const info = await client.info("commandstats");
      ownCalls++;
      const stats: Record<string, number> = {};
      for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats[name!] = Number(calls);
      stats.info = (stats.info ?? 0) - ownCalls;
      if (stats.info <= 0) delete stats.info;
      return stats;
    },
    cpuMs: () => readCpuMs(redis.pid!),
    close: async () => {
      await client.close();
    },
  };
}
