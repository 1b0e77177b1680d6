/**
 * Access-token verification cost, in this process: the app's verifier
 * (`createTokenVerifiers(...).verifyAccessToken`, JWKS cached after the first
 * call) against a bare `crypto.verify` RS256 of the same token with the same
 * public key. The bare side gets its inputs pre-computed (signing input and
 * signature bytes, KeyObject), so it is the floor: the signature check alone.
 */
import crypto from "node:crypto";
import { decomposeUnverifiedJwt } from "aws-jwt-verify/jwt";
import { type CognitoSettings, cognitoEndpoints } from "../../../app/cognito/config.server.ts";
import { createTokenVerifiers } from "../../../app/cognito/verify.server.ts";
import { alternateAll } from "./load.ts";
import { median } from "./stats.ts";

export interface VerifyResult {
  /** µs per verification, per round. */
  verifierRoundsUs: number[];
  bareRoundsUs: number[];
  /**
   * The fastest round of each side: other work on the machine only ever adds
   * time to a round, so the minimum is the figure least skewed by it.
   */
  verifierUs: number;
  bareUs: number;
  ratio: number;
  /**
   * The fastest round of aws-jwt-verify's token parse alone (`decomposeUnverifiedJwt`: shape check,
   * base64url, its prototype-pollution-safe JSON.parse of header and payload): the part of the
   * verifier's cost over the bare check that is plain JavaScript, so it is where a slower CPU shows.
   */
  parseUs: number;
  /** The median rounds, for comparison. */
  verifierMedianUs: number;
  bareMedianUs: number;
  iterations: number;
  /** JWKS fetches made by this process's verifier (1: cached after the first call). */
  jwksFetches: number;
}

export async function measureVerification(
  settings: CognitoSettings,
  accessToken: string,
  options: { rounds: number; iterations: number },
): Promise<VerifyResult> {
  const verifiers = createTokenVerifiers(settings);
  await verifiers.verifyAccessToken(accessToken); // fetches and caches the JWKS

  const { jwksUri } = cognitoEndpoints(settings);
  const jwks = (await (await fetch(jwksUri)).json()) as { keys: (crypto.JsonWebKey & { kid?: string })[] };
  const [headerB64] = accessToken.split(".");
  const header = JSON.parse(Buffer.from(headerB64!, "base64url").toString("utf8")) as { kid?: string; alg?: string };
  if (header.alg !== "RS256") throw new Error(`expected an RS256 token, got ${header.alg}`);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`kid ${header.kid} not in the JWKS`);
  const publicKey = crypto.createPublicKey({ key: jwk, format: "jwk" });
  const lastDot = accessToken.lastIndexOf(".");
  const signingInput = Buffer.from(accessToken.slice(0, lastDot), "utf8");
  const signature = Buffer.from(accessToken.slice(lastDot + 1), "base64url");
  if (!crypto.verify("RSA-SHA256", signingInput, publicKey, signature)) {
    throw new Error("bare crypto.verify rejected the emulator's token");
  }

  const { iterations } = options;
  const timeVerifier = async () => {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) await verifiers.verifyAccessToken(accessToken);
    return ((performance.now() - start) * 1000) / iterations;
  };
  const timeBare = async () => {
    const start = performance.now();
    let ok = true;
    for (let i = 0; i < iterations; i++) ok = crypto.verify("RSA-SHA256", signingInput, publicKey, signature) && ok;
    if (!ok) throw new Error("bare verify failed");
    return ((performance.now() - start) * 1000) / iterations;
  };

  const timeParse = async () => {
    const start = performance.now();
    let parts = 0;
    for (let i = 0; i < iterations; i++) parts += Object.keys(decomposeUnverifiedJwt(accessToken).payload).length;
    if (parts === 0) throw new Error("the token parsed to nothing");
    return ((performance.now() - start) * 1000) / iterations;
  };

  // Warm-up: JIT every path before measuring.
  await timeVerifier();
  await timeBare();
  await timeParse();
  const [verifierRounds, bareRounds, parseRounds] = (await alternateAll(options.rounds, [
    timeVerifier,
    timeBare,
    timeParse,
  ])) as [number[], number[], number[]];
  return {
    verifierRoundsUs: verifierRounds,
    bareRoundsUs: bareRounds,
    verifierUs: Math.min(...verifierRounds),
    bareUs: Math.min(...bareRounds),
    ratio: Math.min(...verifierRounds) / Math.min(...bareRounds),
    parseUs: Math.min(...parseRounds),
    verifierMedianUs: median(verifierRounds),
    bareMedianUs: median(bareRounds),
    iterations,
    jwksFetches: verifiers.jwksFetches,
  };
}
