import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectWhenIdle } from "../../server/idle-gc.js";

describe("collectWhenIdle: a full GC once a burst of requests is over", () => {
  let collector: ReturnType<typeof collectWhenIdle> | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    collector?.stop();
    vi.useRealTimers();
  });

  const start = () => {
    const gc = vi.fn();
    collector = collectWhenIdle({ idleMs: 10_000, checkMs: 5_000, gc });
    return gc;
  };

  it("does nothing without a gc function (node without --expose-gc)", () => {
    collector = collectWhenIdle({ gc: undefined });
    expect(collector.enabled).toBe(false);
    collector.touch();
    vi.advanceTimersByTime(60_000);
  });

  it("never collects before any request", () => {
    const gc = start();
    vi.advanceTimersByTime(60_000);
    expect(gc).not.toHaveBeenCalled();
  });

  it("collects twice once the server has been idle for idleMs after a request, then stops", () => {
    const gc = start();
    collector!.touch();
    vi.advanceTimersByTime(9_999); // the check at 5 s: idle for only 5 s
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1); // the check at 10 s
    expect(gc).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5_000);
    expect(gc).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(60_000);
    expect(gc).toHaveBeenCalledTimes(2);
  });

  it("does not collect while requests keep coming, and starts over after the next burst", () => {
    const gc = start();
    for (let i = 0; i < 20; i++) {
      collector!.touch();
      vi.advanceTimersByTime(3_000);
    }
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(20_000);
    expect(gc).toHaveBeenCalledTimes(2);
    collector!.touch();
    vi.advanceTimersByTime(20_000);
    expect(gc).toHaveBeenCalledTimes(4);
  });
});
