/**
 * Paging with opaque `$skiptoken`s. A token records the sort key of the last item returned, so
 * pages stay consistent while items are added or removed between page requests.
 */
import { ArmError, quote } from "./errors.js";

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Token for the next page; undefined on the last page. */
  nextToken?: string;
}

/** Encodes the position after `lastKey`. */
export function encodeSkipToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastKey }), "utf8").toString("base64url");
}

/** Decodes a `$skiptoken`, refusing anything the emulator did not produce. */
export function decodeSkipToken(token: string): string {
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

/** Takes one page of `pageSize` items from `entries` (sorted by key), starting after `skipToken`. */
export function takePage<T>(entries: ReadonlyArray<readonly [string, T]>, pageSize: number, skipToken?: string | null): Page<T> {
  const after = skipToken ? decodeSkipToken(skipToken) : undefined;
  const start = after === undefined ? 0 : firstAfter(entries, after);
  const slice = entries.slice(start, start + pageSize);
  const more = start + pageSize < entries.length;
  return { items: slice.map(([, v]) => v), nextToken: more && slice.length > 0 ? encodeSkipToken(slice[slice.length - 1]![0]) : undefined };
}

function firstAfter<T>(entries: ReadonlyArray<readonly [string, T]>, after: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]![0] <= after) lo = mid + 1;
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
