// Single fetch (v3_singleFetch) changes how loader data is typed.
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
