// Single fetch (v3_singleFetch) changes how loader data is typed.
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
  /** Built per request by server/index.js through entry.server's `loadContext`. */
  interface AppLoadContext {
    /** The client's IP address, when known (see rate-limit.server.ts). */
    clientIp: string | null;
  }
}
