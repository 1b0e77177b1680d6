/**
 * The emulator's own costs, three rows of the table:
 *
 * - an SRP sign-in through the emulator (USER_SRP_AUTH, then the
 *   PASSWORD_VERIFIER answer, with the client's arithmetic — the app's SRP
 *   client — as a real client does it) against a USER_PASSWORD_AUTH sign-in
 *   through it, alternating;
 * - the emulator's CPU per SRP verification: the server's arithmetic for one
 *   sign-in (B, the key, the claim; the verifier, which the gateway keeps, apart),
 *   timed in this process with the gateway's own code, and the gateway
 *   process's CPU per SRP sign-in against per password sign-in;
 * - the gateway's overhead on InitiateAuth: USER_PASSWORD_AUTH through the
 *   gateway against the same call to cognito-local alone.
 *
 * One request at a time: latency, not queueing.
 */
import { randomBytes } from "node:crypto";
import {
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { SrpSignIn } from "../../../app/cognito/srp.server.ts";
import {
  claimSignature,
  parseA,
  serverEphemeral,
  sessionKey,
  verifier,
} from "../../../cognito-local/gateway/srp/math.ts";
import { alternate } from "./load.ts";
import type { Credentials } from "./sign-in.ts";
import { percentile } from "./stats.ts";

export interface Series {
  p50: number;
  p99: number;
  samples: number;
}

const series = (samples: number[]): Series => ({
  p50: percentile(samples, 50),
  p99: percentile(samples, 99),
  samples: samples.length,
});

async function timed(n: number, one: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await one();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** USER_PASSWORD_AUTH, one call; throws unless it signs in. */
export async function passwordSignIn(client: CognitoIdentityProviderClient, clientId: string, who: Credentials) {
  const result = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: who.username, PASSWORD: who.password },
    }),
  );
  if (!result.AuthenticationResult?.AccessToken) throw new Error("USER_PASSWORD_AUTH returned no tokens");
}

/** USER_SRP_AUTH and the PASSWORD_VERIFIER answer, the client's arithmetic included; throws unless it signs in. */
export async function srpSignIn(
  client: CognitoIdentityProviderClient,
  clientId: string,
  poolId: string,
  who: Credentials,
) {
  const srp = new SrpSignIn(poolId);
  const started = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_SRP_AUTH",
      AuthParameters: { USERNAME: who.username, SRP_A: srp.srpA },
    }),
  );
  const answer = srp.answer(started.ChallengeParameters ?? {}, who.password);
  const done = await client.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: "PASSWORD_VERIFIER",
      Session: started.Session,
      ChallengeResponses: { ...answer },
    }),
  );
  if (!done.AuthenticationResult?.AccessToken) throw new Error("USER_SRP_AUTH returned no tokens");
}

export interface PairLatency {
  a: Series;
  b: Series;
  /** Per-round p50 ratios a/b, in run order. */
  roundRatios: number[];
  /** CPU (ms) of a watched process per sign-in on each side, when one was given. */
  cpuMsPerA?: number;
  cpuMsPerB?: number;
}

/** Two sign-ins measured in alternating rounds after a warm-up each. */
export async function measurePair(options: {
  a: () => Promise<unknown>;
  b: () => Promise<unknown>;
  warmup: number;
  rounds: number;
  perRound: number;
  /** CPU time (ms) of a process to attribute to each side, e.g. the gateway's. */
  cpuMs?: () => number;
}): Promise<PairLatency> {
  const { a, b, warmup, rounds, perRound, cpuMs } = options;
  await timed(warmup, a);
  await timed(warmup, b);
  const cpu = { a: 0, b: 0 };
  const side = (name: "a" | "b", one: () => Promise<unknown>) => async () => {
    const before = cpuMs?.() ?? 0;
    const samples = await timed(perRound, one);
    cpu[name] += (cpuMs?.() ?? 0) - before;
    return samples;
  };
  const result = await alternate(rounds, side("a", a), side("b", b));
  const roundRatios = result.a.map((r, i) => percentile(r, 50) / percentile(result.b[i]!, 50));
  const total = rounds * perRound;
  return {
    a: series(result.a.flat()),
    b: series(result.b.flat()),
    roundRatios,
    ...(cpuMs ? { cpuMsPerA: cpu.a / total, cpuMsPerB: cpu.b / total } : {}),
  };
}

export interface SrpArithmetic {
  /** The server's arithmetic for one SRP sign-in, ms of this process's CPU (median of rounds), the verifier already made (the gateway keeps it). */
  serverMs: number;
  /** Making the verifier, which the gateway does once per user and password. */
  verifierMs: number;
  /** Of which the PASSWORD_VERIFIER check (the key and the claim). */
  verifyMs: number;
  /** The client's (the app's SRP client) for one sign-in, for comparison. */
  clientMs: number;
}

/**
 * The gateway's SRP arithmetic, timed in this process: InitiateAuth's part
 * (the verifier from the password, B) and RespondToAuthChallenge's (u, S, the
 * key, the claim), with the gateway's own functions on the same inputs.
 */
export function measureSrpArithmetic(rounds: number, perRound: number): SrpArithmetic {
  const poolName = "Bench1234";
  const userId = "3f1c2d4e-5b6a-4789-8abc-def012345678";
  const password = "Bench-Passw0rd!";
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const server: number[] = [];
  const verify: number[] = [];
  const client: number[] = [];
  const verifiers: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let serverTotal = 0;
    let verifyTotal = 0;
    let clientTotal = 0;
    let verifierTotal = 0;
    for (let i = 0; i < perRound; i++) {
      const app = new SrpSignIn(`local_${poolName}`);
      const salt = BigInt(`0x${randomBytes(16).toString("hex")}`);
      const secretBlock = randomBytes(64);
      let t = cpuMs();
      const v = verifier(poolName, userId, password, salt);
      verifierTotal += cpuMs() - t;
      t = cpuMs();
      const { b, B } = serverEphemeral(v);
      const initiate = cpuMs() - t;
      t = cpuMs();
      const answer = app.answer(
        {
          SALT: salt.toString(16),
          SRP_B: B.toString(16),
          SECRET_BLOCK: secretBlock.toString("base64"),
          USER_ID_FOR_SRP: userId,
        },
        password,
      );
      clientTotal += cpuMs() - t;
      t = cpuMs();
      const A = parseA(app.srpA)!;
      const key = sessionKey(A, B, b, v)!;
      const expected = claimSignature(key, poolName, userId, secretBlock, answer.TIMESTAMP).toString("base64");
      const check = cpuMs() - t;
      if (expected !== answer.PASSWORD_CLAIM_SIGNATURE) throw new Error("the SRP arithmetic did not agree");
      serverTotal += initiate + check;
      verifyTotal += check;
    }
    server.push(serverTotal / perRound);
    verify.push(verifyTotal / perRound);
    client.push(clientTotal / perRound);
    verifiers.push(verifierTotal / perRound);
  }
  return {
    serverMs: percentile(server, 50),
    verifierMs: percentile(verifiers, 50),
    verifyMs: percentile(verify, 50),
    clientMs: percentile(client, 50),
  };
}
