/**
 * Cognito's SRP, checked against a third party: AWS's own client,
 * amazon-cognito-identity-js. The app's client (app/cognito/srp.server.ts)
 * and the emulator's server (cognito-local/gateway/srp/math.ts) are written
 * apart; each must agree with AWS's client, so a mistake they share cannot
 * pass here.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { cognitoTimestamp, SrpSignIn, signedHex } from "../../app/cognito/srp.server";
import {
  claimSignature,
  k,
  N,
  padHex,
  parseA,
  serverEphemeral,
  sessionKey,
  verifier,
} from "../../cognito-local/gateway/srp/math.ts";
import { isCognitoTimestamp } from "../../cognito-local/gateway/srp/sign-in.ts";

// amazon-cognito-identity-js ships no types for these internals.
const require = createRequire(import.meta.url);
interface JsbnInteger {
  toString(radix: number): string;
}
interface AwsHelper {
  N: JsbnInteger;
  k: JsbnInteger;
  smallAValue: JsbnInteger;
  largeAValue: JsbnInteger;
  padHex(n: JsbnInteger): string;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    serverB: JsbnInteger,
    salt: JsbnInteger,
    callback: (error: Error | null, key: Buffer) => void,
  ): void;
}
const AuthenticationHelper = require("amazon-cognito-identity-js/lib/AuthenticationHelper").default as new (
  poolName: string,
) => AwsHelper;
const BigInteger = require("amazon-cognito-identity-js/lib/BigInteger").default as new (
  hex: string,
  radix: number,
) => JsbnInteger;
const DateHelper = require("amazon-cognito-identity-js/lib/DateHelper").default as new () => {
  getNowString(): string;
};

const big = (n: bigint) => new BigInteger(n.toString(16), 16);
const fromBig = (n: JsbnInteger) => BigInt(`0x${n.toString(16)}`);

function awsKey(helper: AwsHelper, userId: string, password: string, B: bigint, salt: bigint): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    helper.getPasswordAuthenticationKey(userId, password, big(B), big(salt), (error, key) =>
      error ? reject(error) : resolve(Buffer.from(key)),
    ),
  );
}

const POOL_ID = "local_AbCd1234";
const POOL_NAME = "AbCd1234";
const USER_ID = "8c5c1b58-42f4-4b7d-a1f1-1f7e2b3c4d5e";
const PASSWORD = "Passw0rd!é";

describe("SRP: the group and the encoding are AWS's", () => {
  it("N, g and k are the ones amazon-cognito-identity-js uses", () => {
    const helper = new AuthenticationHelper(POOL_NAME);
    expect(N).toBe(fromBig(helper.N));
    expect(k).toBe(fromBig(helper.k));
  });

  it("numbers are hashed as the shortest two's-complement hex, on both sides", () => {
    const helper = new AuthenticationHelper(POOL_NAME);
    for (const n of [1n, 0x7fn, 0x80n, 0xffn, 0x100n, 0xec5n, N - 1n, 2n ** 255n, 2n ** 256n - 1n]) {
      const aws = helper.padHex(big(n)).toLowerCase();
      expect(padHex(n)).toBe(aws);
      expect(signedHex(n)).toBe(aws);
    }
  });

  it("the app's TIMESTAMP is AWS's format, day without a leading zero, and the emulator reads only that", () => {
    const aws = new DateHelper().getNowString();
    expect(isCognitoTimestamp(aws)).toBe(true);
    const fifth = new Date(Date.UTC(2024, 2, 5, 7, 8, 9));
    expect(cognitoTimestamp(fifth)).toBe("Tue Mar 5 07:08:09 UTC 2024");
    expect(isCognitoTimestamp("Tue Mar 5 07:08:09 UTC 2024")).toBe(true);
    expect(isCognitoTimestamp("Tue Mar 05 07:08:09 UTC 2024")).toBe(false);
    expect(isCognitoTimestamp("Wed Mar 5 07:08:09 UTC 2024")).toBe(false);
    expect(isCognitoTimestamp("Tue Mar 5 24:08:09 UTC 2024")).toBe(false);
    expect(isCognitoTimestamp("Thu Feb 30 07:08:09 UTC 2024")).toBe(false);
  });
});

describe("SRP: the emulator's server agrees with AWS's client", () => {
  it("derives the same key as amazon-cognito-identity-js for the right password, another for a wrong one", async () => {
    for (let i = 0; i < 5; i++) {
      const helper = new AuthenticationHelper(POOL_NAME);
      const A = fromBig(helper.largeAValue);
      // A salt with its top bit set, and one without: the two encodings of the padding.
      const salt = i % 2 === 0 ? 0x8ce8291892390f6b53a245933faf6164n : 0x0ce8291892390f6b53a245933faf6164n;
      const v = verifier(POOL_NAME, USER_ID, PASSWORD, salt);
      const { b, B } = serverEphemeral(v);
      const server = sessionKey(A, B, b, v);
      expect(server).toBeDefined();
      expect(await awsKey(helper, USER_ID, PASSWORD, B, salt)).toEqual(server);
      expect(await awsKey(helper, USER_ID, `${PASSWORD}x`, B, salt)).not.toEqual(server);
    }
  });

  it("refuses an SRP_A that is 0 mod N (RFC 5054), or not a number", () => {
    expect(parseA("0")).toBeUndefined();
    expect(parseA(N.toString(16))).toBeUndefined();
    expect(parseA((2n * N).toString(16))).toBeUndefined();
    expect(parseA("xyz")).toBeUndefined();
    expect(parseA("")).toBeUndefined();
    expect(parseA(12)).toBeUndefined();
    expect(parseA("02")).toBe(2n);
  });
});

describe("SRP: the app's client agrees with AWS's client", () => {
  it("computes amazon-cognito-identity-js's key and signature from the same secret", async () => {
    for (let i = 0; i < 3; i++) {
      const helper = new AuthenticationHelper(POOL_NAME);
      const secret = Buffer.from(helper.smallAValue.toString(16).padStart(256, "0"), "hex");
      const app = new SrpSignIn(POOL_ID, secret);
      expect(BigInt(`0x${app.srpA}`)).toBe(fromBig(helper.largeAValue));

      const salt = 0xa1b2c3d4e5f60718293a4b5c6d7e8f90n;
      const v = verifier(POOL_NAME, USER_ID, PASSWORD, salt);
      const { B } = serverEphemeral(v);
      const awsKeyValue = await awsKey(helper, USER_ID, PASSWORD, B, salt);
      expect(app.passwordKey(USER_ID, PASSWORD, B, salt)).toEqual(awsKeyValue);

      const secretBlock = Buffer.from("an opaque secret block").toString("base64");
      const now = new Date(Date.UTC(2025, 0, 9, 23, 59, 1));
      const answer = app.answer(
        { SALT: salt.toString(16), SRP_B: B.toString(16), SECRET_BLOCK: secretBlock, USER_ID_FOR_SRP: USER_ID },
        PASSWORD,
        now,
      );
      expect(answer.TIMESTAMP).toBe("Thu Jan 9 23:59:01 UTC 2025");
      expect(answer.USERNAME).toBe(USER_ID);
      const expected = claimSignature(
        awsKeyValue,
        POOL_NAME,
        USER_ID,
        Buffer.from(secretBlock, "base64"),
        answer.TIMESTAMP,
      );
      expect(answer.PASSWORD_CLAIM_SIGNATURE).toBe(expected.toString("base64"));
    }
  });

  it("refuses a B that is 0 mod N rather than sign with it", () => {
    const app = new SrpSignIn(POOL_ID);
    expect(() =>
      app.answer({ SALT: "01", SRP_B: N.toString(16), SECRET_BLOCK: "AA==", USER_ID_FOR_SRP: USER_ID }, PASSWORD),
    ).toThrow(/SRP_B/);
  });
});
