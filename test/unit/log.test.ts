import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createUsernameHasher } from "~/auth/log.server";

describe("usernameHash: a keyed HMAC for log lines", () => {
  const hash = createUsernameHasher("first-secret-0123456789abcdef0123456789");

  it("is stable for one person however the username was typed", () => {
    expect(hash("Someone@Example.com ")).toBe(hash("someone@example.com"));
    expect(hash("someone@example.com")).toMatch(/^h:[0-9a-f]{16}$/);
    expect(hash("someone@example.com")).not.toBe(hash("someone-else@example.com"));
  });

  it("depends on the secret: without it nobody can recompute or check a hash", () => {
    const other = createUsernameHasher("second-secret-0123456789abcdef012345678");
    expect(other("someone@example.com")).not.toBe(hash("someone@example.com"));
    const plain = createHash("sha256").update("someone@example.com").digest("hex");
    expect(plain).not.toContain(hash("someone@example.com").slice(2));
    expect(hash("someone@example.com")).not.toContain(plain.slice(0, 12));
  });
});
