import { describe, expect, it } from "vitest";
import { RECENT_REFRESH_MS, refreshOnce } from "~/auth/refresh-single-flight.server";
import { EnvError, parseEnv } from "~/env.server";

const valid = {
  COGNITO_REGION: "us-east-1",
  COGNITO_USER_POOL_ID: "us-east-1_AbCdEf123",
  COGNITO_CLIENT_ID: "abc123def456",
};

describe("COGNITO_USER_AUTH and COGNITO_REFRESH_ROTATION", () => {
  it("are off unless set to 1 (empty means unset)", () => {
    for (const value of [undefined, "", "0"]) {
      const env = parseEnv({ ...valid, COGNITO_USER_AUTH: value, COGNITO_REFRESH_ROTATION: value });
      expect(env.userAuth).toBe(false);
      expect(env.refreshRotation).toBe(false);
    }
    const on = parseEnv({ ...valid, COGNITO_USER_AUTH: "1", COGNITO_REFRESH_ROTATION: "1" });
    expect(on.userAuth).toBe(true);
    expect(on.refreshRotation).toBe(true);
  });

  it("stop the app with a message naming the variable for any other value", () => {
    for (const value of ["true", "yes", "on", "2", " 1x"]) {
      let problems: { variable: string; message: string }[] = [];
      try {
        parseEnv({ ...valid, COGNITO_USER_AUTH: value, COGNITO_REFRESH_ROTATION: value });
      } catch (error) {
        expect(error).toBeInstanceOf(EnvError);
        problems = (error as EnvError).problems;
      }
      expect(problems, value).toEqual([
        { variable: "COGNITO_USER_AUTH", message: "expected 0 or 1" },
        { variable: "COGNITO_REFRESH_ROTATION", message: "expected 0 or 1" },
      ]);
    }
  });
});

describe("refreshOnce (single-flight refresh per refresh token)", () => {
  it("runs one refresh for concurrent callers with the same token, and hands late callers its result", async () => {
    let calls = 0;
    let release!: (value: string) => void;
    const refresh = () => {
      calls++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const token = `token-${Math.random()}`;
    const both = Promise.all([refreshOnce(token, refresh), refreshOnce(token, refresh)]);
    release("new-tokens");
    expect(await both).toEqual(["new-tokens", "new-tokens"]);
    // A request arriving just after (its browser had the old cookie): the same result, no second refresh.
    expect(await refreshOnce(token, refresh)).toBe("new-tokens");
    expect(calls).toBe(1);
    expect(RECENT_REFRESH_MS).toBeGreaterThan(0);
  });

  it("keeps different tokens apart, shares a failure without remembering it, and lets a reload skip the recent result", async () => {
    const a = `a-${Math.random()}`;
    const b = `b-${Math.random()}`;
    let calls = 0;
    const ok = async () => `r${++calls}`;
    expect(await refreshOnce(a, ok)).toBe("r1");
    expect(await refreshOnce(b, ok)).toBe("r2");
    expect(await refreshOnce(a, ok, { reuseRecent: false })).toBe("r3");

    const c = `c-${Math.random()}`;
    let failures = 0;
    const fail = async () => {
      failures++;
      throw new Error("refused");
    };
    await expect(Promise.all([refreshOnce(c, fail), refreshOnce(c, fail)])).rejects.toThrow("refused");
    expect(failures).toBe(1);
    await expect(refreshOnce(c, fail)).rejects.toThrow("refused");
    expect(failures).toBe(2);
  });
});
