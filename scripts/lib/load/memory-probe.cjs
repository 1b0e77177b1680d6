/**
 * Preloaded into the app by `npm run load` (node --expose-gc --require …):
 * on SIGUSR2, run a full garbage collection and print the process's memory
 * on one stderr line, so the load script can tell a leak (memory still held
 * after a GC) from a heap that has merely grown to its working size.
 * Changes nothing else in the app.
 */
"use strict";
process.on("SIGUSR2", () => {
  if (typeof global.gc === "function") {
    global.gc();
    global.gc(); // a second pass collects what the first one's finalizers released
  }
  const m = process.memoryUsage();
  process.stderr.write(
    `[memory-probe] ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, gc: typeof global.gc === "function" })}\n`,
  );
});
