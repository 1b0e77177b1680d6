/**
 * Session ids: 128 random bits, base64url (22 characters). The id is sealed inside the session
 * cookie, so it is never guessable or forgeable by a client; it is what revocations and the
 * device list are keyed by. It is not a secret on its own (it authorizes nothing: the cookie does),
 * so it may appear in the device-list form that ends a session.
 */
import { randomBytes } from "node:crypto";

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

export function newSessionId(): string {
  return randomBytes(16).toString("base64url");
}

/** True for exactly the shape `newSessionId` makes (used on anything read back from the outside). */
export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && SESSION_ID.test(value);
}
