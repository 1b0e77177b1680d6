/**
 * Pagination as AWS's list operations have it (`Limit` or `MaxResults`, and
 * `NextToken` or `PaginationToken`), over the whole list cognito-local
 * answers with: it pages nothing itself.
 *
 * Items are ordered by a key of their own (a username, a group's name, an
 * ID) and a token names the last key handed out, not a position: a user
 * added or deleted between two pages moves no other user across the page
 * boundary, so paging never skips or repeats one.
 */
import { AwsError, validationError } from "../errors.ts";

export interface Page<T> {
  items: T[];
  /** The token for the next page, when there is one. */
  next?: string;
}

/**
 * One page of `items`, in the order of `keyOf`. `limit` is the caller's
 * Limit/MaxResults (checked against 0…60, or 1…60 where AWS requires at
 * least one; `default` when absent); `token` the caller's
 * NextToken/PaginationToken, which must be one this function handed out for
 * the same list.
 */
export function page<T>(
  items: T[],
  limit: unknown,
  token: unknown,
  rules: { limitName: string; min: 0 | 1; default: number; listKey: string; keyOf: (item: T) => string },
): Page<T> {
  if (
    limit !== undefined &&
    (typeof limit !== "number" || !Number.isInteger(limit) || limit < rules.min || limit > 60)
  ) {
    throw validationError(
      limit,
      rules.limitName,
      `Member must have value ${rules.min === 0 ? "less than or equal to 60" : "between 1 and 60"}`,
    );
  }
  // AWS allows a Limit of 0 and says nothing of what it means: taken as the default here.
  const size = limit === undefined || limit === 0 ? rules.default : limit;
  const after = token === undefined || token === null || token === "" ? undefined : lastKeyOf(token, rules.listKey);
  const ordered = items
    .map((item) => ({ item, key: rules.keyOf(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rest = after === undefined ? ordered : ordered.filter(({ key }) => key > after);
  const slice = rest.slice(0, size);
  const last = slice.at(-1);
  return {
    items: slice.map(({ item }) => item),
    ...(rest.length > slice.length && last ? { next: tokenFor(last.key, rules.listKey) } : {}),
  };
}

function tokenFor(lastKey: string, listKey: string): string {
  return Buffer.from(JSON.stringify({ k: lastKey, l: listKey })).toString("base64url");
}

function lastKeyOf(token: unknown, listKey: string): string {
  try {
    const { k, l } = JSON.parse(Buffer.from(String(token), "base64url").toString("utf8")) as {
      k?: unknown;
      l?: unknown;
    };
    if (typeof k === "string" && l === listKey) return k;
  } catch {
    // not one of ours
  }
  throw new AwsError("InvalidParameterException", "Invalid pagination token: it was not issued for this request");
}
