/**
 * Load and pairing: autocannon on loopback for throughput, and an A/B runner
 * that alternates the two sides of a pair round by round (A B, B A, A B, …)
 * so that drift (CPU frequency, GC, the emulator's growing data file) lands
 * on both sides alike.
 */
import autocannon from "autocannon";

export interface LoadRound {
  /** Completed requests per second. */
  rps: number;
  requests: number;
  /** Latency in ms. */
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  seconds: number;
  /** Server CPU time (user + system) per completed request, in µs, when `serverCpuMs` was given. */
  cpuUsPerRequest?: number;
}

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
  /** Reads the server's CPU time in ms: CPU per request is robust to a busy machine, req/s is not. */
  serverCpuMs?: () => number;
}

export async function loadRound(options: LoadOptions): Promise<LoadRound> {
  const cpuBefore = options.serverCpuMs?.();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    timeout: 10,
  });
  return {
    rps: result.requests.total / result.duration,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    cpuUsPerRequest:
      cpuBefore === undefined ? undefined : ((options.serverCpuMs!() - cpuBefore) * 1000) / result.requests.total,
  };
}

/**
 * Runs `rounds` rounds of each side, alternating which goes first, and
 * returns each side's results in order. `between` runs after every round
 * (e.g. to sample memory).
 */
export async function alternate<T>(
  rounds: number,
  a: () => Promise<T>,
  b: () => Promise<T>,
  between?: () => void,
): Promise<{ a: T[]; b: T[] }> {
  const results = { a: [] as T[], b: [] as T[] };
  for (let round = 0; round < rounds; round++) {
    const order: ("a" | "b")[] = round % 2 === 0 ? ["a", "b"] : ["b", "a"];
    for (const side of order) {
      results[side].push(await (side === "a" ? a() : b()));
      between?.();
    }
  }
  return results;
}

/**
 * `alternate` for any number of sides: each round runs every side once, in
 * forward order on even rounds and reverse order on odd ones. Returns each
 * side's results in run order.
 */
export async function alternateAll<T>(
  rounds: number,
  sides: (() => Promise<T>)[],
  between?: () => void,
): Promise<T[][]> {
  const results = sides.map(() => [] as T[]);
  for (let round = 0; round < rounds; round++) {
    const order = sides.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      results[i]!.push(await sides[i]!());
      between?.();
    }
  }
  return results;
}
