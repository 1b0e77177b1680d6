/**
 * Pagination as AWS's list operations have it (`Limit` or `MaxResults`, and
 * `NextToken` or `PaginationToken`), over the whole list cognito-local
 * answers with: it pages nothing itself.
 */
import { AwsError, validationError } from "../errors.ts";

export interface Page<T> {
  items: T[];
  /** The token for the next page, when there is one. */
  next?: string;
}

/**
 * One page of `items`. `limit` is the caller's Limit/MaxResults (checked
 * against 0…60, or 1…60 where AWS requires at least one; `default` when
 * absent); `token` the caller's NextToken/PaginationToken, which must be one
 * this function handed out for the same list.
 */
export function page<T>(
  items: T[],
  limit: unknown,
  token: unknown,
  rules: { limitName: string; min: 0 | 1; default: number; listKey: string },
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
  const offset = token === undefined || token === null || token === "" ? 0 : offsetOf(token, rules.listKey);
  const slice = items.slice(offset, offset + size);
  const end = offset + slice.length;
  return end < items.length ? { items: slice, next: tokenFor(end, rules.listKey) } : { items: slice };
}

function tokenFor(offset: number, listKey: string): string {
  return Buffer.from(JSON.stringify({ o: offset, l: listKey })).toString("base64url");
}

function offsetOf(token: unknown, listKey: string): number {
  try {
    const { o, l } = JSON.parse(Buffer.from(String(token), "base64url").toString("utf8")) as {
      o?: unknown;
      l?: unknown;
    };
    if (typeof o === "number" && Number.isInteger(o) && o >= 0 && l === listKey) return o;
  } catch {
    // not one of ours
  }
  throw new AwsError("InvalidParameterException", "Invalid pagination token: it was not issued for this request");
}
