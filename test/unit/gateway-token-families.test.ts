/**
 * The gateway's durable token families (cognito-local/gateway/token-families.ts):
 * what a restart reads back from the journal, a line cut short by a crash,
 * compaction, expiry, rotation's grace period, global sign-out.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Family, TokenFamilies } from "../../cognito-local/gateway/token-families.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "token-families-"));
  dirs.push(dir);
  return dir;
}

const NOW = Date.UTC(2030, 0, 1);
const family = (id: string, over: Partial<Family> = {}): Family => ({
  id,
  clientId: "client",
  poolId: "local_pool",
  username: "alice",
  authTime: NOW / 1000,
  expiresAt: NOW / 1000 + 86400,
  ...over,
});

describe("TokenFamilies", () => {
  it("reads back after a restart what was recorded: families, tokens, scopes, revocations, sign-outs", () => {
    const dir = stateDir();
    const before = new TokenFamilies(dir, () => NOW);
    before.start(family("a"), "token-a");
    before.start(family("b", { username: "bob" }), "token-b");
    before.grantScopes("a", ["openid", "email"]);
    before.addToken("a", "token-a2");
    before.rotateOut("token-a", 30);
    before.signOut("local_pool", "bob");

    const after = new TokenFamilies(dir, () => NOW);
    expect(after.lookup("token-a")).toEqual({
      entry: { family: "a", graceUntil: NOW + 30_000 },
      family: { ...family("a"), scopes: ["openid", "email"] },
    });
    expect(after.lookup("token-a2")?.family.id).toBe("a");
    expect(after.isRevoked("a")).toBe(false);
    expect(after.isRevoked("b")).toBe(true);
    expect(after.signedOutAt("local_pool", "bob")).toBe(NOW / 1000);
    expect(after.lookup("made-up")).toBeUndefined();
  });

  it("keeps only a SHA-256 of each refresh token on disk", () => {
    const dir = stateDir();
    new TokenFamilies(dir, () => NOW).start(family("a"), "the-secret-refresh-token");
    expect(fs.readFileSync(path.join(dir, "tokens.jsonl"), "utf8")).not.toContain("the-secret-refresh-token");
  });

  it("ignores a last line cut short by a crash, keeping everything before it", () => {
    const dir = stateDir();
    const families = new TokenFamilies(dir, () => NOW);
    families.start(family("a"), "token-a");
    fs.appendFileSync(path.join(dir, "tokens.jsonl"), '{"family":{"id":"b","clientId":');
    const after = new TokenFamilies(dir, () => NOW);
    expect(after.lookup("token-a")?.family.id).toBe("a");
    expect(after.sizes()).toEqual({ tokenFamilies: 1, refreshTokens: 1, revokedFamilies: 0 });
  });

  it("forgets a family a day after its refresh tokens expire (when its access tokens are gone too), at start-up", () => {
    const dir = stateDir();
    const families = new TokenFamilies(dir, () => NOW);
    families.start(family("old", { expiresAt: NOW / 1000 + 60 }), "token-old");
    families.start(family("new"), "token-new");
    families.revoke("old");
    const tomorrow = NOW + 60_000 + 86_400_000;
    const after = new TokenFamilies(dir, () => tomorrow);
    expect(after.lookup("token-old")).toBeUndefined();
    expect(after.lookup("token-new")?.family.id).toBe("new");
    expect(fs.readFileSync(path.join(dir, "tokens.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("rewrites the journal compactly once it holds far more lines than live records", () => {
    const dir = stateDir();
    const families = new TokenFamilies(dir, () => NOW);
    families.start(family("a"), "token-a");
    for (let i = 0; i < 1_200; i++) families.grantScopes("a", [`scope-${i}`]);
    const lines = fs.readFileSync(path.join(dir, "tokens.jsonl"), "utf8").trim().split("\n");
    expect(lines.length).toBeLessThan(300);
    expect(new TokenFamilies(dir, () => NOW).family("a")?.scopes).toEqual(["scope-1199"]);
  });

  it("starts a rotated-out token's grace period at its first rotation only", () => {
    let now = NOW;
    const families = new TokenFamilies(undefined, () => now);
    families.start(family("a"), "token-a");
    families.rotateOut("token-a", 10);
    now += 5_000;
    families.rotateOut("token-a", 10);
    expect(families.lookup("token-a")?.entry.graceUntil).toBe(NOW + 10_000);
  });

  it("signs a user out of every family of theirs and no one else's", () => {
    const families = new TokenFamilies(undefined, () => NOW);
    families.start(family("a1"), "t1");
    families.start(family("a2", { clientId: "other" }), "t2");
    families.start(family("b", { username: "bob" }), "t3");
    expect(families.signOut("local_pool", "alice")).toBe(2);
    expect([families.isRevoked("a1"), families.isRevoked("a2"), families.isRevoked("b")]).toEqual([true, true, false]);
  });
});
