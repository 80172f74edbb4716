/**
 * Paging with opaque `$skiptoken`s. A token records the sort key of the last item returned, so
 * pages stay consistent while items are added or removed between page requests.
 */
import { ArmError, quote } from "./errors.js";
import type { SortedRange } from "./store.js";

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Token for the next page; undefined on the last page. */
  nextToken?: string;
}

/** Encodes the position after `lastKey`. */
function encodeSkipToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastKey }), "utf8").toString("base64url");
}

/** Decodes a `$skiptoken`, refusing anything the emulator did not produce. */
function decodeSkipToken(token: string): string {
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error("not base64url");
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { v?: unknown; after?: unknown };
    if (parsed.v !== 1 || typeof parsed.after !== "string") throw new Error("unknown shape");
    return parsed.after;
  } catch {
    // UNCONFIRMED: the service's code for a bad continuation token.
    throw new ArmError(400, "InvalidSkipToken", `The $skiptoken ${quote(token)} is invalid; pass the nextLink of a previous page unchanged.`, { target: "$skiptoken" });
  }
}

/**
 * Takes one page of `pageSize` items from a sorted range, starting after `skipToken`: a binary
 * search finds the position, so the cost is O(log n + pageSize) however long the list is.
 */
export function takePage<T>(range: SortedRange<T>, pageSize: number, skipToken?: string | null): Page<T> {
  const after = skipToken ? decodeSkipToken(skipToken) : undefined;
  const start = after === undefined ? range.start : firstAfter(range, after);
  const stop = Math.min(start + pageSize, range.end);
  const items: T[] = [];
  for (let i = start; i < stop; i++) items.push(range.valueAt(i));
  return { items, nextToken: stop < range.end && stop > start ? encodeSkipToken(range.keyAt(stop - 1)) : undefined };
}

function firstAfter<T>(range: SortedRange<T>, after: string): number {
  let lo = range.start;
  let hi = range.end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (range.keyAt(mid) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Builds the `nextLink` of a page: same path and query, with the new `$skiptoken`. */
export function nextLink(origin: string, path: string, query: URLSearchParams, token: string | undefined): string | undefined {
  if (!token) return undefined;
  const q = new URLSearchParams(query);
  q.delete("$skiptoken");
  q.delete("$skipToken");
  q.set("$skiptoken", token);
  return `${origin}${path}?${q.toString()}`;
}
