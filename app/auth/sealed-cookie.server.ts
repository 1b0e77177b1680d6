/**
 * A sealed (encrypted, authenticated), chunked cookie: stores one JSON value
 * across numbered cookies. Generic: it knows nothing of what it stores (the
 * signed-in session's record is in stored-session.server.ts, the pending
 * challenge's in challenge.server.ts).
 *
 * The signed-in session carries Cognito tokens (ID, access, refresh). Real
 * tokens add up to ~5 KB, more than the 4096 bytes a browser guarantees for
 * one cookie, so the sealed value is split over numbered cookies
 * `${name}.0`, `${name}.1`, …
 *
 * Sealing:
 *   JSON {v: data, exp: unix-seconds} → deflate-raw → AES-256-GCM
 *   sealed = "v1." + base64url(iv[12] | tag[16] | ciphertext)
 * The key is derived per secret with HKDF-SHA256; the first secret encrypts and
 * every secret is tried on decrypt, so secrets can be rotated by prepending.
 * The cookie base name is bound in as GCM additional data, so a session sealed
 * for one store cannot be replayed under another store's name.
 *
 * Chunking:
 *   chunk 0 value = `${count}.${part0}`, chunk i value = `${part_i}`
 * Only the count is unauthenticated; every other property (order, membership in
 * the same write, completeness) is enforced by GCM over the concatenation, so
 * reordered, mixed or truncated chunks fail authentication and read as null.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { readCookies, repeatedCookieNames } from "../http/cookies.server";

export interface SealedCookieOptions {
  /** Cookie base name, e.g. "__session". Chunks are `${name}.0`, `${name}.1`, … */
  name: string;
  /** Secrets: the first encrypts, all decrypt (rotation). Non-empty. */
  secrets: string[];
  /** Secure attribute (true in production). */
  secure: boolean;
  /** Max-Age in seconds for the cookies (e.g. 30 days); also embedded in the payload as an absolute expiry that is checked on read. */
  maxAgeSeconds: number;
  /** Path, default "/". */
  path?: string;
  /** Max bytes of ONE whole Set-Cookie header value (name=value + attributes); default 4096. */
  maxCookieBytes?: number;
}

export interface SealedCookieStore<T> {
  /** Reads and decrypts from a Cookie request header. Returns null for absent, tampered, truncated, reordered, mixed-session chunks, wrong/removed secret, expired, or malformed JSON — never throws. */
  read(cookieHeader: string | null): T | null;
  /**
   * `read` in two steps, for callers that cache what they derive from a
   * session: the sealed value the chunks add up to (null when absent, repeated,
   * truncated or malformed — never throws). It is exactly the input of `open`,
   * so two headers with the same sealed value read the same.
   */
  sealedValue(cookieHeader: string | null): string | null;
  /** Decrypts and checks a sealed value (see `read`); null when it does not open. Never throws. */
  open(sealed: string): T | null;
  /** Returns the Set-Cookie header values (one per chunk) to store `data`; also emits deletion (Max-Age=0) cookies for stale higher-numbered chunks present in `cookieHeader` (the request's Cookie header) when the session shrinks. */
  write(data: T, cookieHeader: string | null): string[];
  /** Set-Cookie values that delete every chunk present in the request's cookie header (and at least `${name}.0`). */
  destroy(cookieHeader: string | null): string[];
  /** Whether the request carries any chunk of this cookie (valid or not). */
  isPresent(cookieHeader: string | null): boolean;
}

/** Byte size of one Set-Cookie header value, as the browser limit counts it. */
export function setCookieBytes(setCookie: string): number {
  return Buffer.byteLength(setCookie, "utf8");
}

const VERSION_PREFIX = "v1.";
const HKDF_SALT = "remix-cognito/cookie-session";
const HKDF_INFO = "remix-cognito session v1 aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DEFAULT_MAX_COOKIE_BYTES = 4096;

/**
 * Hard cap on the chunk count (also bounds what read() will parse). Browsers
 * keep ≥50 cookies per domain, but the request's Cookie header is the practical
 * limit: Node answers 431 when request headers exceed 16 KiB, which 4 full-size
 * chunks already approach. A session needing more than this is a bug, so
 * `write` fails loudly instead of emitting cookies that would be dropped.
 */
const MAX_CHUNKS = 8;

/** A chunk value can never legitimately inflate beyond this; guards against a decompression bomb should a key ever leak. */
const MAX_PLAINTEXT_BYTES = 1024 * 1024;

/** RFC 6265 cookie-name (RFC 7230 token) characters. */
const COOKIE_NAME_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What we ever write into a chunk value: base64url plus "." separators. */
const CHUNK_VALUE_RE = /^[A-Za-z0-9_.-]*$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;
/** Canonical chunk index ("0", "1", … — never "01"), bounded in length. */
const CHUNK_INDEX_RE = /^(?:0|[1-9][0-9]{0,3})$/;

export function createSealedCookieStore<T>(options: SealedCookieOptions): SealedCookieStore<T> {
  const { name, secrets, secure, maxAgeSeconds, path = "/", maxCookieBytes = DEFAULT_MAX_COOKIE_BYTES } = options;

  // Misconfiguration throws at startup, where it is visible; only read() has a
  // never-throw contract.
  if (!COOKIE_NAME_RE.test(name)) {
    throw new TypeError(`cookie session: invalid cookie name ${JSON.stringify(name)}`);
  }
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new TypeError("cookie session: at least one secret is required");
  }
  if (secrets.some((s) => typeof s !== "string" || s.length === 0)) {
    throw new TypeError("cookie session: secrets must be non-empty strings");
  }
  if (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds <= 0) {
    throw new TypeError("cookie session: maxAgeSeconds must be a positive integer");
  }
  // Path is emitted verbatim into the header; ";" or control characters would
  // inject attributes.
  if (!path.startsWith("/") || /[;\x00-\x1f\x7f]/.test(path)) {
    throw new TypeError(`cookie session: invalid path ${JSON.stringify(path)}`);
  }
  // Browsers silently drop prefixed cookies that do not meet the prefix rules.
  if (name.startsWith("__Secure-") && !secure) {
    throw new TypeError("cookie session: __Secure- cookies require secure: true");
  }
  if (name.startsWith("__Host-") && (!secure || path !== "/")) {
    throw new TypeError('cookie session: __Host- cookies require secure: true and path "/"');
  }

  const keys = secrets.map((secret) => Buffer.from(hkdfSync("sha256", secret, HKDF_SALT, HKDF_INFO, 32)));
  const aad = Buffer.from(`${HKDF_INFO}\0${name}`, "utf8");

  const flags = `; Path=${path}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
  const liveAttributes = `${flags}; Max-Age=${maxAgeSeconds}`;
  const deleteAttributes = `${flags}; Max-Age=0`;

  const chunkName = (index: number) => `${name}.${index}`;

  // Room left for the value in the worst-case chunk (highest index, count prefix).
  const worstCaseRoom = maxCookieBytes - setCookieBytes(`${chunkName(MAX_CHUNKS - 1)}=${MAX_CHUNKS}.${liveAttributes}`);
  if (!Number.isSafeInteger(maxCookieBytes) || worstCaseRoom < 64) {
    throw new TypeError(
      `cookie session: maxCookieBytes ${maxCookieBytes} leaves no room for data after name and attributes`,
    );
  }

  function seal(data: T): string {
    const exp = Math.floor(Date.now() / 1000) + maxAgeSeconds;
    const plaintext = deflateRawSync(Buffer.from(JSON.stringify({ v: data, exp }), "utf8"));
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", keys[0]!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    return VERSION_PREFIX + Buffer.concat([iv, tag, ciphertext]).toString("base64url");
  }

  function unseal(sealed: string): T | null {
    if (!sealed.startsWith(VERSION_PREFIX)) return null;
    const body = sealed.slice(VERSION_PREFIX.length);
    // Buffer's base64 decoder skips invalid characters; be strict instead.
    if (!BASE64URL_RE.test(body)) return null;
    const raw = Buffer.from(body, "base64url");
    if (raw.length <= IV_BYTES + TAG_BYTES) return null;
    const iv = raw.subarray(0, IV_BYTES);
    const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const ciphertext = raw.subarray(IV_BYTES + TAG_BYTES);

    let plaintext: Buffer | null = null;
    // No key id in the format: a GCM authentication failure means "not this key".
    for (const key of keys) {
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad);
        decipher.setAuthTag(tag);
        plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
        break;
      } catch {
        // try the next key
      }
    }
    if (plaintext === null) return null;

    const json = inflateRawSync(plaintext, { maxOutputLength: MAX_PLAINTEXT_BYTES });
    const payload: unknown = JSON.parse(json.toString("utf8"));
    if (typeof payload !== "object" || payload === null || !("v" in payload)) return null;
    const { exp } = payload as { exp?: unknown };
    if (typeof exp !== "number" || !Number.isFinite(exp)) return null;
    if (exp <= Date.now() / 1000) return null;
    // The payload is authenticated, so it is exactly what write() was given
    // (after a JSON round trip: Dates become strings, undefined fields vanish).
    return (payload as { v: T }).v;
  }

  /** Splits the sealed string so that every Set-Cookie value fits in maxCookieBytes. */
  function split(sealed: string): string[] {
    // The count prefix on chunk 0 takes room from chunk 0, which can change the
    // count; reserve d digits and retry with more if the count needs them.
    for (let digits = 1; ; digits++) {
      const parts: string[] = [];
      for (let pos = 0; pos < sealed.length; ) {
        const index = parts.length;
        const prefixBytes = index === 0 ? digits + 1 : 0;
        const room = maxCookieBytes - prefixBytes - setCookieBytes(`${chunkName(index)}=${liveAttributes}`);
        // sealed is ASCII, so characters and bytes coincide.
        parts.push(sealed.slice(pos, pos + room));
        pos += room;
      }
      if (String(parts.length).length <= digits) {
        parts[0] = `${parts.length}.${parts[0]}`;
        return parts;
      }
    }
  }

  /** Indices of `${name}.<i>` cookies present in a Cookie header. */
  function presentIndices(cookieHeader: string | null): number[] {
    const indices = new Set<number>();
    for (const cookieName of Object.keys(readCookies(cookieHeader, { decode: false }))) {
      if (!cookieName.startsWith(`${name}.`)) continue;
      const suffix = cookieName.slice(name.length + 1);
      if (CHUNK_INDEX_RE.test(suffix)) indices.add(Number(suffix));
    }
    return [...indices].sort((a, b) => a - b);
  }

  function sealedValue(cookieHeader: string | null): string | null {
    try {
      // Values raw: ours are base64url, and anything else must fail the checks below.
      const values = readCookies(cookieHeader, { decode: false });
      const duplicates = repeatedCookieNames(cookieHeader);
      // A chunk name sent twice means a second cookie with the same name but a
      // different Path/Domain exists — typically one planted from a sibling
      // subdomain (session fixation). We cannot tell which is ours, so fail
      // closed and treat the session as absent rather than taking the first.
      const chunk = (index: number): string | undefined => {
        const cookieName = chunkName(index);
        return duplicates.has(cookieName) || !Object.hasOwn(values, cookieName) ? undefined : values[cookieName];
      };

      const first = chunk(0);
      if (first === undefined) return null;
      const dot = first.indexOf(".");
      if (dot < 0) return null;
      const countText = first.slice(0, dot);
      if (!/^[1-9][0-9]*$/.test(countText)) return null;
      const count = Number(countText);
      if (count > MAX_CHUNKS) return null;

      const parts = [first.slice(dot + 1)];
      // Chunks beyond `count` are stale leftovers of a bigger session: ignored.
      for (let index = 1; index < count; index++) {
        const part = chunk(index);
        if (part === undefined || part === "") return null; // truncated
        parts.push(part);
      }
      if (!parts.every((part) => CHUNK_VALUE_RE.test(part))) return null;
      return parts.join("");
    } catch {
      return null;
    }
  }

  function open(sealed: string): T | null {
    try {
      return unseal(sealed);
    } catch {
      return null;
    }
  }

  const deletion = (index: number) => `${chunkName(index)}=${deleteAttributes}`;

  return {
    read(cookieHeader) {
      const sealed = sealedValue(cookieHeader);
      return sealed === null ? null : open(sealed);
    },

    sealedValue,
    open,

    write(data, cookieHeader) {
      const parts = split(seal(data));
      if (parts.length > MAX_CHUNKS) {
        throw new RangeError(
          `cookie session: session needs ${parts.length} cookies (max ${MAX_CHUNKS}); store less data`,
        );
      }
      const setCookies = parts.map((value, index) => `${chunkName(index)}=${value}${liveAttributes}`);
      // The browser keeps old higher-numbered chunks until told otherwise.
      for (const index of presentIndices(cookieHeader)) {
        if (index >= parts.length) setCookies.push(deletion(index));
      }
      return setCookies;
    },

    destroy(cookieHeader) {
      const indices = new Set([0, ...presentIndices(cookieHeader)]);
      return [...indices].sort((a, b) => a - b).map(deletion);
    },

    isPresent(cookieHeader) {
      return presentIndices(cookieHeader).length > 0;
    },
  };
}
