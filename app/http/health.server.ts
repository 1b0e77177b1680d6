/**
 * Health of the app's dependencies. Results are cached for a few seconds so
 * /healthz cannot be used to hammer Cognito.
 */
import { cognitoEndpoints } from "~/cognito/config.server";
import { getTokenVerifiers } from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { getSessionRegistry } from "~/sessions/configured-registry.server";
import type { RegistryHealth } from "~/sessions/registry.server";

export interface Health {
  ok: true;
  cognito: { reachable: boolean; endpoint: string };
  jwks: { reachable: boolean; fetches: number };
  /** The session registry: in-process or Redis, connected, revocations loaded (app/sessions/). */
  sessions: RegistryHealth;
}

const CACHE_MS = 5_000;
let cached: { at: number; value: Promise<Omit<Health, "jwks" | "sessions"> & { jwksReachable: boolean }> } | undefined;

async function reachable(url: string): Promise<boolean> {
  try {
    // Any HTTP answer means the service is there; only network errors count as down.
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

export async function getHealth(): Promise<Health> {
  const now = Date.now();
  if (!cached || now - cached.at > CACHE_MS) {
    const env = getEnv();
    const endpoints = cognitoEndpoints(env.cognito);
    const api = endpoints.apiEndpoint ?? `https://cognito-idp.${env.cognito.region}.amazonaws.com`;
    cached = {
      at: now,
      value: Promise.all([reachable(endpoints.apiEndpoint ? `${api}/health` : api), reachable(endpoints.jwksUri)]).then(
        ([cognito, jwks]) => ({
          ok: true as const,
          cognito: { reachable: cognito, endpoint: api },
          jwksReachable: jwks,
        }),
      ),
    };
  }
  const { jwksReachable, ...rest } = await cached.value;
  return {
    ...rest,
    jwks: { reachable: jwksReachable, fetches: getTokenVerifiers().jwksFetches },
    // Not cached: it is this process's own state, read from memory.
    sessions: getSessionRegistry().health(),
  };
}
