/**
 * Challenge sessions: the `Session` strings the gateway hands out with a
 * challenge, and what it must remember to check the answer. AWS accepts a
 * session only from the client it was issued to, for 3 minutes, once.
 * In memory and bounded (see ExpiringStore): a restarted emulator forgets
 * sign-ins in progress, as a session's short life allows.
 */
import { randomBytes } from "node:crypto";
import { ExpiringStore } from "./expiring-store.ts";

/** How long a challenge `Session` is valid (AWS: 3 minutes). */
export const CHALLENGE_SESSION_MS = 3 * 60_000;

interface SessionBase {
  clientId: string;
  poolId: string;
  /** The canonical username (USER_ID_FOR_SRP); for an unknown user, what was typed. */
  username: string;
  challengeName: string;
  expiresAt: number;
}

/** A challenge after a password (cognito-local's own challenges: new password, MFA). */
export interface PasswordChallengeSession extends SessionBase {
  kind: "password";
  /** Kept to obtain a stored refresh token once the challenge is answered (see completeChallenge in operations/sign-in.ts). */
  password: string;
  /** Wrong MFA codes answered on this session so far (see MAX_MFA_CODE_ATTEMPTS). */
  wrongCodes?: number;
}

/** A step of choice-based sign-in (USER_AUTH). */
export interface UserAuthSession extends SessionBase {
  kind: "user-auth";
  /** The first factors this user was offered. */
  available: string[];
  /** No such user (or none who could sign in): every answer fails, as for a real user with a wrong one. */
  unknownUser: boolean;
  /** EMAIL_OTP: the code sent, and how many wrong codes were tried. */
  code?: string;
  attempts: number;
  /** WEB_AUTHN: the challenge in CREDENTIAL_REQUEST_OPTIONS. */
  webAuthnChallenge?: string;
}

/**
 * An SRP exchange waiting for its PASSWORD_VERIFIER answer, under its
 * SECRET_BLOCK. Numbers are hex, the secret exponent base64.
 */
export interface SrpSession extends SessionBase {
  kind: "srp";
  A: string;
  B: string;
  b: string;
  v: string;
  /** The password the verifier was made from, to continue as a password sign-in; none for an unknown user. */
  password: string | undefined;
}

/** The Session returned by ConfirmSignUp, which USER_AUTH accepts as the first factor. */
export interface SignUpSession extends SessionBase {
  kind: "sign-up";
}

export type ChallengeSession = PasswordChallengeSession | UserAuthSession | SrpSession | SignUpSession;

export class ChallengeSessions {
  private readonly store: ExpiringStore<ChallengeSession>;

  /**
   * @param capacity most sessions held at once: then new challenges are
   *   refused (TooManyRequestsException), never live ones evicted
   * @param ttlMs how long a session lives
   */
  constructor(
    capacity: number,
    private readonly ttlMs = CHALLENGE_SESSION_MS,
  ) {
    this.store = new ExpiringStore("challenge sessions", capacity);
  }

  get size(): number {
    return this.store.size;
  }

  /** Stores a session under a new random id (or the id cognito-local issued) and returns the id. */
  add(session: DistributiveOmit<ChallengeSession, "expiresAt">, id = newSessionId()): string {
    this.store.set(id, { ...session, expiresAt: Date.now() + this.ttlMs } as ChallengeSession);
    return id;
  }

  /**
   * The live session with this id, issued to this client; undefined (and
   * forgotten, when expired) otherwise.
   */
  get(id: unknown, clientId: string): ChallengeSession | undefined {
    if (typeof id !== "string") return undefined;
    const session = this.store.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= Date.now()) {
      this.store.delete(id);
      return undefined;
    }
    return session.clientId === clientId ? session : undefined;
  }

  delete(id: string): void {
    this.store.delete(id);
  }

  sweep(): void {
    this.store.sweep();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Long and random, like AWS's opaque session strings. */
function newSessionId(): string {
  return randomBytes(48).toString("base64url");
}
