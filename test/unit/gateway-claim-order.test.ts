/**
 * The emulator lays claims out as AWS does (cognito-local/gateway/claim-order.ts):
 * a Java HashMap's iteration order over the claims, and a HashSet's over the
 * scopes. Checked against every layout AWS documents, and the decoded real
 * tokens the rule was found from. The names come from those examples; the
 * emulator is given them shuffled and must put them back in AWS's order.
 */
import { describe, expect, it } from "vitest";
import {
  awsScopeString,
  copiedMapCapacity,
  grownSetCapacity,
  inAwsClaimOrder,
  javaStringHash,
} from "../../cognito-local/gateway/claim-order.ts";
import { AWS_ACCESS_TOKEN_CLAIMS, AWS_ID_TOKEN_CLAIMS, without } from "../support/aws-token-layouts.ts";

/** AWS's documented layouts. */
const DOCUMENTED = { accessToken: AWS_ACCESS_TOKEN_CLAIMS, idToken: AWS_ID_TOKEN_CLAIMS };

/** Decoded real tokens (Hosted UI and API sign-ins) the rule also reproduces. */
const OBSERVED = {
  hostedAccess: without(AWS_ACCESS_TOKEN_CLAIMS, "device_key", "cognito:groups"),
  hostedId: [
    "at_hash",
    "sub",
    "email_verified",
    "iss",
    "cognito:username",
    "origin_jti",
    "aud",
    "event_id",
    "token_use",
    "auth_time",
    "name",
    "exp",
    "iat",
    "jti",
    "email",
  ],
  // An InitiateAuth access token: 12 claims, yet laid out in 32 buckets (a copied map's), not 16.
  apiAccess: without(AWS_ACCESS_TOKEN_CLAIMS, "device_key", "cognito:groups", "version"),
};

/** A fixed reshuffle (reversed, then odd positions first): nothing of the input order survives by accident. */
function shuffled(names: readonly string[]): string[] {
  const reversed = [...names].reverse();
  return [...reversed.filter((_, i) => i % 2 === 1), ...reversed.filter((_, i) => i % 2 === 0)];
}

describe("claim order: a Java HashMap's, as AWS's tokens show", () => {
  it("hashes strings as Java does (String.hashCode)", () => {
    // Java's well-known values: "hello" is 99162322, "Aa" and "BB" collide at 2112, and
    // "polygenelubricants" overflows to Integer.MIN_VALUE.
    expect(javaStringHash("sub")).toBe(115 * 31 * 31 + 117 * 31 + 98);
    expect(javaStringHash("")).toBe(0);
    expect(javaStringHash("hello")).toBe(99162322);
    expect([javaStringHash("Aa"), javaStringHash("BB")]).toEqual([2112, 2112]);
    expect(javaStringHash("polygenelubricants")).toBe(-2147483648);
  });

  it("sizes a copied map as Java 8–17 do: 11 entries → 16 buckets, 12 → 32, 23 → 32, 24 → 64", () => {
    expect([11, 12, 23, 24].map(copiedMapCapacity)).toEqual([16, 32, 32, 64]);
    expect([12, 13, 24, 25].map(grownSetCapacity)).toEqual([16, 32, 32, 64]);
  });

  for (const [name, names] of Object.entries({ ...DOCUMENTED, ...OBSERVED })) {
    it(`AWS lays the ${name} claims out as documented; the emulator's order is the same`, () => {
      // Whatever order the claims are built in, they come out in AWS's.
      for (const input of [shuffled(names), [...names].sort()]) {
        const claims = Object.fromEntries(input.map((n) => [n, 1]));
        expect(Object.keys(inAwsClaimOrder(claims))).toEqual(names);
      }
    });
  }

  it("leaves out claims whose value is undefined", () => {
    expect(Object.keys(inAwsClaimOrder({ sub: "s", nonce: undefined, aud: "a" }))).toEqual(["sub", "aud"]);
  });
});

describe("scope order: a HashSet's, as AWS's scope claims show", () => {
  it.each([
    // AWS: the access token page's example.
    [
      ["openid", "email", "profile", "phone", "resourceserver.1/appclient2"],
      "phone openid profile resourceserver.1/appclient2 email",
    ],
    // Real Hosted UI tokens.
    [["openid", "email", "profile", "phone"], "phone openid profile email"],
    [
      ["openid", "profile", "email", "phone", "aws.cognito.signin.user.admin"],
      "aws.cognito.signin.user.admin phone openid profile email",
    ],
  ])("%j → %s", (scopes, expected) => {
    expect(awsScopeString(scopes)).toBe(expected);
    expect(awsScopeString([...scopes].reverse())).toBe(expected);
  });
});
