/**
 * SRP sign-in as Cognito answers it: `InitiateAuth` with `USER_SRP_AUTH`
 * (or `PASSWORD_SRP` in choice-based sign-in) answers the PASSWORD_VERIFIER
 * challenge (SALT, SRP_B, SECRET_BLOCK, USERNAME, USER_ID_FOR_SRP), and
 * `RespondToAuthChallenge` checks PASSWORD_CLAIM_SIGNATURE. A proof that
 * holds continues exactly as a password sign-in (USER_PASSWORD_AUTH's
 * checks, then TOTP MFA or NEW_PASSWORD_REQUIRED, then the tokens), so what
 * follows a password is the same whichever way it was proved.
 *
 * cognito-local has no SRP; the verifier is made from the password
 * cognito-local keeps (cognito-local-data.ts, ADR 020).
 *
 * - The SECRET_BLOCK is random and opaque: it names the challenge, which
 *   holds the server's secret, for that client, 3 minutes, one answer.
 * - The salt is stable for a user while the password stays the same (AWS
 *   stores one with the verifier): an HMAC, under a key the gateway keeps,
 *   of the pool, the user and the password.
 * - An unknown user, where the client hides which users exist, gets what AWS
 *   documents: "a simulated response … the same salt and internal user id in
 *   UUID format for the same user name and user pool combination", then
 *   "Incorrect username or password." for any proof.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { InitiateAuthResponse, RespondToAuthChallengeResponse } from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoLocalData } from "../cognito-local-data.ts";
import { AwsError, incorrectCredentials, invalidSession } from "../errors.ts";
import { JsonStore } from "../json-store.ts";
import type { Input } from "../operations/operation.ts";
import type { ChallengeSessions, SrpSession } from "../sessions.ts";
import type { AppClient, Upstream } from "../upstream.ts";
import { claimSignature, parseA, serverEphemeral, sessionKey, toBigInt, verifier } from "./math.ts";

export interface SrpSignInOptions {
  up: Upstream;
  data: CognitoLocalData;
  sessions: ChallengeSessions;
  /** Where the key for salts and simulated users is kept (`<dataDir>/.gateway`); in memory without it. */
  stateDir?: string;
  /** The sign-in that follows a proven password (USER_PASSWORD_AUTH's checks and challenges). */
  passwordSignIn(client: AppClient, username: string, password: string): Promise<InitiateAuthResponse>;
  preventsUserExistenceErrors(client: AppClient): boolean;
}

/** How an SRP exchange was started. */
export interface SrpStart {
  /** What was typed: a username or an alias. */
  username: string;
  /** SRP_A, as sent. */
  srpA: unknown;
  /** Started from choice-based sign-in (PASSWORD_SRP): the challenge carries a Session, as USER_AUTH's steps do. */
  userAuth?: boolean;
}

/** The SRP pool name: the part of the pool ID after the underscore. */
export function srpPoolName(poolId: string): string {
  return poolId.slice(poolId.indexOf("_") + 1);
}

/** Verifiers kept in memory (one exponentiation each to make again), most recently made last. */
const VERIFIER_CACHE_SIZE = 1000;

export class SrpSignIn {
  private readonly keyStore: JsonStore<{ key?: string }>;
  /** Verifier by a hash of what it is made from: a user signing in again costs one exponentiation less. */
  private readonly verifiers = new Map<string, bigint>();

  constructor(private readonly o: SrpSignInOptions) {
    this.keyStore = new JsonStore(o.stateDir, "srp.json", () => ({}));
  }

  /** InitiateAuth's PASSWORD_VERIFIER challenge (flow and SECRET_HASH already checked by the caller). */
  async initiate(client: AppClient, start: SrpStart): Promise<InitiateAuthResponse> {
    if (!start.username) throw new AwsError("InvalidParameterException", "Missing required parameter USERNAME");
    if (start.srpA === undefined || start.srpA === "") {
      throw new AwsError("InvalidParameterException", "Missing required parameter SRP_A");
    }
    if (!this.o.data.available) {
      throw new AwsError(
        "InvalidParameterException",
        "USER_SRP_AUTH needs the gateway to read cognito-local's data (start it with cognitoDataDir, as startLocalCognito does)",
      );
    }
    const A = parseA(start.srpA);
    if (A === undefined) throw new AwsError("InvalidParameterException", "SRP_A is not a valid SRP value");
    const poolId = client.UserPoolId;
    const poolName = srpPoolName(poolId);
    // cognito-local's data file is read while it looks the user up: every
    // sign-in rewrites it, so it is read again nearly every time.
    const passwords = this.o.data.passwords(poolId);
    const user = await this.o.up.user(poolId, start.username);
    if (!user && !this.o.preventsUserExistenceErrors(client)) {
      throw new AwsError("UserNotFoundException", "User does not exist.");
    }
    const password = user ? (await passwords)(user.Username) : undefined;
    const userId = user?.Username ?? this.simulatedUserId(poolId, start.username);
    // No password (an unknown user, or one who signed up without one): a
    // verifier nobody can match, with the salt AWS would show for that name.
    const salt =
      user && password !== undefined ? this.salt(poolId, userId, password) : this.simulatedSalt(poolId, start.username);
    const v =
      password === undefined
        ? verifier(poolName, userId, randomBytes(32).toString("base64"), salt)
        : this.verifierOf(poolName, userId, password, salt);
    const { b, B } = serverEphemeral(v);
    const secretBlock = randomBytes(64).toString("base64");
    this.o.sessions.add(
      {
        kind: "srp",
        clientId: client.ClientId,
        poolId,
        username: userId,
        challengeName: "PASSWORD_VERIFIER",
        A: A.toString(16),
        B: B.toString(16),
        b: b.toString("base64"),
        v: v.toString(16),
        password: user ? password : undefined,
      },
      secretBlock,
    );
    return {
      ChallengeName: "PASSWORD_VERIFIER",
      ...(start.userAuth ? { Session: secretBlock } : {}),
      ChallengeParameters: {
        // AWS sends the 16 salt bytes as they are (32 hex digits); clients read a number either way.
        SALT: salt.toString(16).padStart(32, "0"),
        SECRET_BLOCK: secretBlock,
        SRP_B: B.toString(16),
        USERNAME: userId,
        USER_ID_FOR_SRP: userId,
      },
    };
  }

  /** RespondToAuthChallenge with PASSWORD_VERIFIER (client and SECRET_HASH already checked by the caller). */
  async respond(client: AppClient, input: Input<"RespondToAuthChallenge">): Promise<RespondToAuthChallengeResponse> {
    const responses = input.ChallengeResponses ?? {};
    for (const name of ["PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"]) {
      if (!responses[name]) throw new AwsError("InvalidParameterException", `Missing required parameter ${name}`);
    }
    const secretBlock = responses.PASSWORD_CLAIM_SECRET_BLOCK!;
    const session = this.o.sessions.get(secretBlock, client.ClientId);
    if (session?.kind !== "srp") throw invalidSession();
    if (typeof input.Session === "string" && input.Session !== "" && input.Session !== secretBlock) {
      throw invalidSession();
    }
    // One answer per challenge, right or wrong.
    this.o.sessions.delete(secretBlock);
    if (!(await this.sameUser(client, session, responses.USERNAME ?? ""))) throw invalidSession();

    const key = sessionKey(
      BigInt(`0x${session.A}`),
      BigInt(`0x${session.B}`),
      Buffer.from(session.b, "base64"),
      BigInt(`0x${session.v}`),
    );
    const timestamp = responses.TIMESTAMP!;
    const claim = Buffer.from(responses.PASSWORD_CLAIM_SIGNATURE!, "base64");
    const expected = key
      ? claimSignature(
          key,
          srpPoolName(session.poolId),
          session.username,
          Buffer.from(secretBlock, "base64"),
          timestamp,
        )
      : undefined;
    const proven =
      expected !== undefined &&
      isCognitoTimestamp(timestamp) &&
      claim.length === expected.length &&
      timingSafeEqual(claim, expected);
    if (!proven || session.password === undefined) throw incorrectCredentials();
    return this.o.passwordSignIn(client, session.username, session.password);
  }

  private verifierOf(poolName: string, userId: string, password: string, salt: bigint): bigint {
    const key = createHash("sha256")
      .update(`${poolName}\u0000${userId}\u0000${password}\u0000${salt}`)
      .digest("base64");
    const kept = this.verifiers.get(key);
    if (kept !== undefined) return kept;
    const made = verifier(poolName, userId, password, salt);
    if (this.verifiers.size >= VERIFIER_CACHE_SIZE) this.verifiers.delete(this.verifiers.keys().next().value!);
    this.verifiers.set(key, made);
    return made;
  }

  /** USERNAME in the answer must name the challenged user (USER_ID_FOR_SRP, or any name of theirs). */
  private async sameUser(client: AppClient, session: SrpSession, username: string): Promise<boolean> {
    if (username === session.username) return true;
    if (session.password === undefined) return false;
    const user = await this.o.up.user(client.UserPoolId, username);
    return user?.Username === session.username;
  }

  private key(): Buffer {
    const kept = this.keyStore.data.key;
    if (kept) return Buffer.from(kept, "base64");
    const made = randomBytes(32).toString("base64");
    this.keyStore.update((d) => {
      d.key = made;
    });
    return Buffer.from(made, "base64");
  }

  private mac(...parts: string[]): Buffer {
    return createHmac("sha256", this.key()).update(parts.join("\u0000")).digest();
  }

  /** 16 bytes, as AWS's SALT (32 hex digits), stable while the password is. */
  private salt(poolId: string, username: string, password: string): bigint {
    return toBigInt(this.mac("salt", poolId, username, password).subarray(0, 16));
  }

  private simulatedSalt(poolId: string, typed: string): bigint {
    return toBigInt(this.mac("simulated salt", poolId, typed).subarray(0, 16));
  }

  /** A UUID (version 4 layout) that is the same for the same name in the same pool. */
  private simulatedUserId(poolId: string, typed: string): string {
    const bytes = this.mac("simulated user", poolId, typed).subarray(0, 16);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const hex = bytes.toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * TIMESTAMP in the one form AWS's clients send: `ddd MMM D HH:mm:ss UTC yyyy`,
 * the day of the month without a leading zero ("Tue Mar 5 07:08:09 UTC 2024"),
 * and a real date whose weekday is right.
 */
export function isCognitoTimestamp(value: string): boolean {
  const m = /^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) ([1-9]\d?) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(value);
  if (!m) return false;
  const [, weekday, month, day, hh, mm, ss, year] = m;
  const monthIndex = MONTHS.indexOf(month!);
  if (monthIndex < 0 || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return false;
  const date = new Date(Date.UTC(Number(year), monthIndex, Number(day)));
  return date.getUTCDate() === Number(day) && WEEKDAYS[date.getUTCDay()] === weekday;
}
