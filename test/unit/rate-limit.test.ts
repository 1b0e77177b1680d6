import { afterEach, describe, expect, it } from "vitest";
import { ATTEMPTS_PER_WINDOW, hit, resetRateLimits, WINDOW_MS } from "~/http/rate-limit.server";

describe("rate limiter windows", () => {
  afterEach(() => resetRateLimits());

  it(`allows ${ATTEMPTS_PER_WINDOW} attempts per key per window, then asks to wait`, () => {
    const t0 = 1_000_000;
    for (let i = 0; i < ATTEMPTS_PER_WINDOW; i++) expect(hit(["k"], t0 + i)).toBeNull();
    const wait = hit(["k"], t0 + 15_000);
    expect(wait).toBe(Math.ceil((WINDOW_MS - 15_000) / 1000));
    expect(hit(["other"], t0 + 15_000)).toBeNull();
    expect(hit(["k"], t0 + WINDOW_MS)).toBeNull(); // a new window
  });

  it("limits when any one of the keys is over", () => {
    for (let i = 0; i < ATTEMPTS_PER_WINDOW; i++) hit([`ip:1`, `user:${i}`], 0);
    expect(hit(["ip:1", "user:fresh"], 1)).not.toBeNull();
    expect(hit(["ip:2", "user:fresh"], 1)).toBeNull();
  });
});
