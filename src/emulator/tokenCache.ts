/**
 * Memo of bearer tokens whose signature and claims have been verified: clients send the same
 * token on every request, so a repeat costs a Map lookup instead of an HMAC and a JSON parse.
 * Lifetimes are still checked against the clock on every use; revocation is checked by the
 * caller from the store, never memoized.
 */
import { checkLifetime, verifyToken, type TokenCheck, type TokenClaims } from "./tokens.js";

/** How many distinct tokens are remembered by default. */
const DEFAULT_VERIFIED_TOKEN_CAPACITY = 1000;

/** A bounded, least-recently-used memo of verified tokens, for one signing secret at a time. */
export class VerifiedTokenCache {
  /** Insertion order is recency order: a hit moves its token to the end, eviction takes the first. */
  private readonly entries = new Map<string, TokenClaims>();
  private secret?: string;

  /** @param capacity - Most tokens remembered at once (a positive integer). */
  constructor(private readonly capacity = DEFAULT_VERIFIED_TOKEN_CAPACITY) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`Parameter "capacity" must be a positive integer, got ${String(capacity)}.`);
    }
  }

  /** Number of tokens remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** Verifies a token like `verifyToken`, skipping signature and parsing for a token seen before. */
  verify(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): TokenCheck {
    if (secret !== this.secret) {
      // Tokens verified with another secret prove nothing about this one.
      this.entries.clear();
      this.secret = secret;
    }
    const cached = this.entries.get(token);
    if (cached !== undefined) {
      this.entries.delete(token);
      const check = checkLifetime(cached, nowSeconds);
      // An expired token never becomes valid again; one not yet valid may.
      if (check.ok || check.reason !== "expired") this.entries.set(token, cached);
      return check;
    }
    const check = verifyToken(token, secret, nowSeconds);
    if (check.ok) {
      this.entries.set(token, check.claims);
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    return check;
  }
}
