import { describe, expect, it } from "vitest";
import type { CurrentSession } from "~/auth/current-session.server";
import { STEP_UP_WINDOW_SECONDS, signedInRecently, stepUpPrompt, verifyStepUp } from "~/auth/step-up.server";

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

describe("step-up for an account made by an identity provider", () => {
  const google = { providerName: "Google", providerType: "Google", userId: "1", primary: true, dateCreated: 0 };
  const session = (secondsAgo: number) =>
    ({
      signedInAt: Date.now() / 1000 - secondsAgo,
      user: { sub: "s", username: "Google_1", emailVerified: true, groups: [], identities: [google] },
    }) as unknown as CurrentSession;

  it("asks for a fresh sign-in with the provider, never a password it does not have", async () => {
    const prompt = { required: true, password: false, code: false, signInAgain: false, provider: "Google" };
    expect(stepUpPrompt(session(3600), { mfaEnabled: false })).toEqual(prompt);
    const check = await verifyStepUp(session(3600), { stepUpPassword: "anything" }, { context: {} as never });
    expect(check).toMatchObject({ ok: false, status: 403, prompt });
    expect(check.ok ? "" : check.formError).toContain("sign in again with Google");
  });

  it("needs nothing after a recent sign-in (with the provider, as every sign-in of such an account is)", async () => {
    expect(stepUpPrompt(session(60), { mfaEnabled: false }).required).toBe(false);
    await expect(verifyStepUp(session(60), {}, { context: {} as never })).resolves.toEqual({
      ok: true,
      via: "recent-sign-in",
    });
  });
});
