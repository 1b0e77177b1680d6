/**
 * The session registry: what the server remembers about signed-in sessions, so that a sign-out can
 * reach copies of a cookie and a user can see and end their sessions.
 *
 * Sessions themselves still live in the encrypted cookie (ADR 002). The registry holds two things:
 *  - **revocations**: session ids that must be refused, each until the session's longest-lived
 *    credential would have expired. Checking them is on every request's path, so every instance
 *    keeps them in memory (`isRevoked` is synchronous and does no I/O);
 *  - **the device list**: per user, each session's device, truncated IP, sign-in method, sign-in
 *    time and last-seen time — read only when someone opens their session list.
 *
 * Two implementations share this interface: in-process (the default, one instance, nothing to
 * install) and Redis/Valkey (`REDIS_URL`, shared by every instance). See
 * docs/decisions/009-session-revocation-and-store.md. No Remix imports here.
 */

import { createHash } from "node:crypto";
import type { RevocationEvent } from "./revocations.server";

export type { RevocationEvent } from "./revocations.server";

/** How a device is described in the session list (parsed from the User-Agent at sign-in). */
export interface DeviceInfo {
  /** e.g. "Firefox 128" or "Unknown browser". */
  browser: string;
  /** e.g. "macOS 14.5", "Android 15" or "Unknown OS". */
  os: string;
  /** "desktop", "mobile", "tablet", "tv", "bot" or "unknown". */
  type: string;
}

/** What the registry stores about one signed-in session. Never tokens. */
export interface SessionRecord {
  /** The session id carried inside the sealed cookie (see session-id.server.ts). */
  sid: string;
  /** The user's stable id (Cognito `sub`). */
  userId: string;
  /** How they signed in, e.g. "hosted" (Cognito Hosted UI) or "custom" (the app's form). */
  method: string;
  device: DeviceInfo;
  /** The client IP, truncated (IPv4 /24, IPv6 /48), or "" when unknown. */
  ip: string;
  /** Sign-in time, epoch milliseconds. */
  signedInAt: number;
  /** Last request seen from this session, epoch milliseconds (written at most once a minute). */
  lastSeenAt: number;
}

/** Whether a write already reached the shared store, or is queued and will be retried. */
export interface WriteResult {
  shared: boolean;
}

/** What `/healthz` says about the registry. Never a URL or a credential. */
export interface RegistryHealth {
  kind: "memory" | "redis";
  /** Redis: the command connection is up. Always true in memory. */
  connected: boolean;
  /** Redis: the revocation replica has been loaded from the store at least once since start. */
  replicaLoaded: boolean;
  /** Active revocations held in this instance's memory. */
  revocations: number;
  /** Writes waiting to be retried (the store is unreachable). */
  pendingWrites: number;
  /** The last store error, as a short message, while not connected. */
  lastError?: string;
}

/** The session registry. All methods are safe to call while the store is down. */
export interface SessionRegistry {
  readonly kind: "memory" | "redis";

  /**
   * True when the session `sid` was revoked and the revocation has not expired. Synchronous, no
   * I/O: it reads this instance's in-memory replica, which the Redis implementation keeps current
   * through pub/sub.
   */
  isRevoked(sid: string, now?: number): boolean;

  /** True when a session of `userId` that began at `since` (epoch ms) was cut off. Synchronous, no I/O. */
  isCutOff(userId: string, since: number, now?: number): boolean;

  /**
   * Refuses `sid` from now until `expiresAt` (epoch ms). Takes effect in this instance at once
   * (before the promise settles); reaches other instances when the shared store has it — queued
   * and retried while the store is down, so the promise never rejects for a store outage.
   */
  revoke(sid: string, expiresAt: number): Promise<WriteResult>;

  /** Ends sessions: revokes each until `revokeUntil` (epoch ms) and removes it from the list. */
  end(userId: string, sids: readonly string[], revokeUntil: number): Promise<WriteResult>;

  /**
   * Ends every session of `userId` that began before `before` (epoch ms), listed or not, until
   * `expiresAt`, and empties the user's list (a session that goes on re-registers). Same delivery
   * as `revoke`.
   */
  endAllBefore(userId: string, before: number, expiresAt: number): Promise<WriteResult>;

  /**
   * Calls `listener` once for everything newly revoked here — by this instance or, through the
   * store, by another one — so caches of verified sessions can drop entries the moment they are
   * revoked. Returns a function that removes the listener.
   */
  onRevoked(listener: (event: RevocationEvent) => void): () => void;

  /** Records a new session (at sign-in). */
  register(record: SessionRecord): Promise<WriteResult>;

  /**
   * Notes that the session was used at `now`. Cheap and synchronous: writes at most once a minute
   * per session and instance, in the background, and only then calls `describe` (parsing a
   * User-Agent is not free). Re-creates the record when the store lost it (e.g. a Redis that
   * restarted empty), so live sessions reappear in the list.
   */
  seen(sid: string, describe: () => Omit<SessionRecord, "lastSeenAt">, now?: number): void;

  /** The user's sessions (not revoked, not expired), most recently seen first. Reads the store. */
  list(userId: string): Promise<SessionRecord[]>;

  /**
   * Remembers which user a sign-in name (an email) belongs to, so that a password reset — made
   * by name, signed out — can end that user's sessions. Stored as a SHA-256 digest of the
   * normalised name, never the name. Background write.
   */
  linkLogin(login: string, userId: string): void;

  /** The user last seen signing in with `login`, or null (unknown, or the store is unreachable). */
  userIdForLogin(login: string): Promise<string | null>;

  health(): RegistryHealth;

  /** Stops timers and connections (tests, shutdown). */
  close(): Promise<void>;
}

/** How long a registry record lives without activity; also the cookie's Max-Age (ADR 002). */
export const RECORD_IDLE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * At most this many session records are kept and listed per user (the most recently seen): the
 * list stays bounded for an account signed in thousands of times. A session that falls off the
 * list still works; "sign out everywhere else" also ends it at Cognito (GlobalSignOut).
 */
export const MAX_SESSIONS_PER_USER = 200;
/** `seen` writes at most this often per session and instance. */
export const LAST_SEEN_INTERVAL_MS = 60_000;

/** Thrown by `list` when the shared store cannot be read (the page says so; nothing is changed). */
export class RegistryUnavailableError extends Error {
  readonly name = "RegistryUnavailableError";
  constructor(cause?: unknown) {
    super("The session store is unreachable; try again in a moment.", { cause });
  }
}

/** The digest a sign-in name is remembered by (trimmed, lower-cased: Cognito names are case-insensitive). */
export function loginDigest(login: string): string {
  return createHash("sha256").update(login.trim().toLowerCase()).digest("base64url");
}

/** A user id as the registry accepts it from outside (Cognito `sub`s are UUIDs). */
export function isUserId(value: unknown): value is string {
  return typeof value === "string" && /^[\w.@:+-]{1,128}$/.test(value);
}
