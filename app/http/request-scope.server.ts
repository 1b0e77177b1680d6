/**
 * A scope per HTTP request (AsyncLocalStorage), opened by the server around
 * Remix's handler (server/index.js via entry.server's `runInRequestScope`),
 * so work every loader of a request needs is done once. Outside a scope
 * (another adapter, a unit test) nothing is shared: each call computes.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const scope = new AsyncLocalStorage<Map<string, unknown>>();

export function runInRequestScope<T>(fn: () => T): T {
  return scope.run(new Map(), fn);
}

/** `compute()` once per request and key; later calls in the same request get the same value. */
export function perRequest<T>(key: string, compute: () => T): T {
  const store = scope.getStore();
  if (!store) return compute();
  if (!store.has(key)) store.set(key, compute());
  return store.get(key) as T;
}

const CLIENT_IP = Symbol("client-ip");

/** Called once per request by the server's load context: the client address, for code that has no context. */
export function setRequestClientIp(ip: string | null): void {
  (scope.getStore() as Map<unknown, unknown> | undefined)?.set(CLIENT_IP, ip);
}

/** The client address of the current request (see setRequestClientIp), or null outside a request. */
export function requestClientIp(): string | null {
  return ((scope.getStore() as Map<unknown, unknown> | undefined)?.get(CLIENT_IP) as string | null) ?? null;
}
