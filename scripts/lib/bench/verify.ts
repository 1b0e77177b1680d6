/**
 * Access-token verification cost, in this process: the app's verifier
 * (`createTokenVerifiers(...).verifyAccessToken`, JWKS cached after the first
 * call) against a bare `crypto.verify` RS256 of the same token with the same
 * public key. The bare side gets its inputs pre-computed (signing input and
 * signature bytes, KeyObject), so it is the floor: the signature check alone.
 */
import crypto from "node:crypto";
import { type CognitoSettings, cognitoEndpoints } from "../../../app/cognito/config.server.ts";
import { createTokenVerifiers } from "../../../app/cognito/verify.server.ts";
import { alternate } from "./load.ts";
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

  // Warm-up: JIT both paths before measuring.
  await timeVerifier();
  await timeBare();
  const rounds = await alternate(options.rounds, timeVerifier, timeBare);
  return {
    verifierRoundsUs: rounds.a,
    bareRoundsUs: rounds.b,
    verifierUs: Math.min(...rounds.a),
    bareUs: Math.min(...rounds.b),
    ratio: Math.min(...rounds.a) / Math.min(...rounds.b),
    verifierMedianUs: median(rounds.a),
    bareMedianUs: median(rounds.b),
    iterations,
    jwksFetches: verifiers.jwksFetches,
  };
}
