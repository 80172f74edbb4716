import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

/** What the fake credential does on its n-th getToken call (0-based). */
export type TokenBehaviour = (call: number) => AccessToken | null | Promise<AccessToken | null>;

/**
 * A TokenCredential that records every getToken call and answers as the test tells it to. Used
 * where the test is about caching and error handling rather than the token endpoint.
 */
export class FakeCredential implements TokenCredential {
  /** The scopes of every getToken call, in order. */
  readonly scopes: Array<string | string[]> = [];

  constructor(private readonly behaviour: TokenBehaviour) {}

  get calls(): number {
    return this.scopes.length;
  }

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
    const call = this.scopes.length;
    this.scopes.push(scopes);
    return this.behaviour(call);
  }
}

/** A token numbered by the call that produced it, expiring `lifetimeMs` from now. */
export function numberedToken(call: number, lifetimeMs = 60 * 60 * 1000): AccessToken {
  return { token: `token-${call + 1}`, expiresOnTimestamp: Date.now() + lifetimeMs, tokenType: "Bearer" };
}

/** A promise with its resolve function exposed, to hold an acquisition open while requests pile up. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
