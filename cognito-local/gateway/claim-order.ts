/**
 * The order AWS lays claims out in, and scopes within `scope`.
 *
 * Cognito's tokens list their claims in the iteration order of a Java
 * `HashMap` copied from the claims (`new HashMap<>(claims)`), and the granted
 * scopes in the order of a `HashSet` they were added to: every example in
 * AWS's developer guide (the ID and access token pages, the userInfo and
 * resource-server pages' `scope` strings) and the decoded real tokens we
 * found follow that rule exactly (test/unit/gateway-claim-order.test.ts).
 * So the emulator computes the order the same way rather than copying one
 * example's: any set of claims (groups or none, a nonce, custom attributes)
 * comes out as AWS would lay it out.
 *
 * Java's rule: a key's bucket is `(h ^ (h >>> 16)) & (capacity - 1)`, `h`
 * its `String.hashCode()`; iteration goes bucket by bucket, and keys sharing
 * a bucket in the order they went in.
 */

/** Java's `String.hashCode()`: s[0]·31^(n-1) + … + s[n-1], in 32-bit arithmetic, over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

const bucket = (key: string, capacity: number) => {
  const h = javaStringHash(key);
  return (h ^ (h >>> 16)) & (capacity - 1);
};

/** The smallest power of two ≥ n (Java's `tableSizeFor`). */
const tableSizeFor = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(n, 1)));

/**
 * The order claims go into AWS's map, which decides only between claims that
 * share a bucket: AWS's examples show `cognito:groups` before
 * `email_verified`, `cognito:roles` before `aud`, `identities` before
 * `event_id`, `scope` before `auth_time` and `jti` before `email`. Claims not
 * named here (other attributes) come after, in the order given.
 */
const INSERTION_ORDER = [
  "at_hash",
  "sub",
  "device_key",
  "cognito:groups",
  "email_verified",
  "cognito:preferred_role",
  "iss",
  "version",
  "client_id",
  "cognito:username",
  "nonce",
  "origin_jti",
  "cognito:roles",
  "aud",
  "identities",
  "event_id",
  "token_use",
  "scope",
  "auth_time",
  "exp",
  "iat",
  "jti",
  "username",
  "email",
];
const insertionRank = (key: string) => {
  const rank = INSERTION_ORDER.indexOf(key);
  return rank < 0 ? INSERTION_ORDER.length : rank;
};

/** Keys in iteration order for a table of `capacity` buckets; keys sharing a bucket in `rank` order, then `keys`' order. */
function iterationOrder(keys: readonly string[], capacity: number, rank: (key: string) => number = () => 0): string[] {
  return keys
    .map((key, i) => ({ key, i, b: bucket(key, capacity), r: rank(key) }))
    .sort((x, y) => x.b - y.b || x.r - y.r || x.i - y.i)
    .map((e) => e.key);
}

/**
 * The capacity of `new HashMap<>(m)` for a map of `size` entries (Java 8–17's
 * `putMapEntries`: `tableSizeFor((int)(size / 0.75f + 1))`). A 12-claim token
 * gets 32 buckets, not the 16 a map filled one `put` at a time would have:
 * AWS's tokens show the copy's capacity.
 */
export function copiedMapCapacity(size: number): number {
  return Math.max(16, tableSizeFor(Math.trunc(size / 0.75 + 1)));
}

/** The capacity of a `HashSet` filled one `add` at a time: 16, doubled whenever it passes ¾ full. */
export function grownSetCapacity(size: number): number {
  let capacity = 16;
  while (size > capacity * 0.75) capacity *= 2;
  return capacity;
}

/** The claims laid out as AWS lays them out, whatever order they come in; undefined ones left out. */
export function inAwsClaimOrder(claims: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(claims).filter((k) => claims[k] !== undefined);
  const ordered: Record<string, unknown> = {};
  for (const key of iterationOrder(keys, copiedMapCapacity(keys.length), insertionRank)) ordered[key] = claims[key];
  return ordered;
}

/** Scopes as AWS writes them in a `scope` claim: space-separated, in its set's order. */
export function awsScopeString(scopes: readonly string[]): string {
  const unique = [...new Set(scopes)];
  return iterationOrder(unique, grownSetCapacity(unique.length)).join(" ");
}
