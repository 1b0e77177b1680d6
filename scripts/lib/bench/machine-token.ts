/**
 * The client_credentials grant through the local Cognito's token endpoint: what a machine waits
 * for a token (it then keeps it for the token's lifetime). One request at a time, so latency.
 */
import { percentile } from "./stats.ts";

export interface MachineTokenLatency {
  p50: number;
  p99: number;
  samples: number;
  /** Answers that were not 200 with an access token. */
  failures: number;
}

export async function machineTokenLatency(options: {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  warmup: number;
  samples: number;
}): Promise<MachineTokenLatency> {
  const authorization = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`;
  let failures = 0;
  const one = async () => {
    const started = performance.now();
    const res = await fetch(options.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: authorization },
      body: "grant_type=client_credentials",
    });
    const body = (await res.json()) as { access_token?: string };
    const elapsed = performance.now() - started;
    if (res.status !== 200 || !body.access_token) failures++;
    return elapsed;
  };
  for (let i = 0; i < options.warmup; i++) await one();
  failures = 0;
  const times: number[] = [];
  for (let i = 0; i < options.samples; i++) times.push(await one());
  return { p50: percentile(times, 50), p99: percentile(times, 99), samples: times.length, failures };
}
