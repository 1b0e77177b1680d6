/**
 * Gives memory back to the system once a burst of traffic is over.
 *
 * V8 returns its heap, and the native buffers its objects hold, only after a full garbage
 * collection. Under load it collects often, but the moment requests stop it stops collecting, and
 * its "memory reducer" (meant to tidy up an idle heap) did not start in 2 of 3 bench runs: the
 * server sat at its peak (137 MiB against 96 MiB before the load) for 45 s with no collection at
 * all, holding garbage. Two full collections brought it to 92 MiB. So: once the server has served
 * requests and then been idle for `idleMs`, run a full collection, and once more at the next check
 * (the first frees the objects, the second the native memory their finalizers let go). Nothing
 * runs while requests keep coming, and nothing again until there has been traffic.
 *
 * The collection needs `global.gc`, which `node --expose-gc` provides (`npm start` sets it).
 * Without it this does nothing. See docs/decisions/013-idle-gc.md.
 */

/**
 * @param {{ idleMs?: number, checkMs?: number, gc?: () => void, now?: () => number }} [options]
 * @returns {{ enabled: boolean, touch(): void, stop(): void }} `touch` on every request.
 */
export function collectWhenIdle({ idleMs = 10_000, checkMs = 5_000, gc = globalThis.gc, now = Date.now } = {}) {
  if (typeof gc !== "function") return { enabled: false, touch() {}, stop() {} };
  let lastRequestAt = 0;
  /** Collections still to run for the last burst (two: see above). */
  let passesLeft = 0;
  const timer = setInterval(() => {
    if (passesLeft === 0 || now() - lastRequestAt < idleMs) return;
    passesLeft--;
    gc();
  }, checkMs);
  // Never what keeps the process alive.
  timer.unref();
  return {
    enabled: true,
    touch() {
      lastRequestAt = now();
      passesLeft = 2;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
