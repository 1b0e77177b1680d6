import { describe, expect, it } from "vitest";
import { STEP_UP_WINDOW_SECONDS, signedInRecently } from "~/auth/step-up.server";

describe("signedInRecently: the step-up window", () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  const at = (secondsAgo: number) => ({ signedInAt: now / 1000 - secondsAgo });

  it("is ten minutes", () => {
    expect(STEP_UP_WINDOW_SECONDS).toBe(600);
  });

  it.each([
    [0, true],
    [60, true],
    [599, true],
    [600, false],
    [601, false],
    [24 * 3600, false],
  ])("a sign-in %i s ago is recent: %s", (secondsAgo, recent) => {
    expect(signedInRecently(at(secondsAgo), now)).toBe(recent);
  });

  it("a sign-in time slightly ahead of this clock (another instance wrote it) counts as recent", () => {
    expect(signedInRecently(at(-30), now)).toBe(true);
  });
});
