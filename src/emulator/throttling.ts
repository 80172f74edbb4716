/**
 * Optional request throttling with the service's documented per-second limits, as token buckets
 * per tenant, per subscription and per resource (Entra workload-identity considerations).
 */

/** Operation classes the limits distinguish. */
export type ThrottleClass = "write" | "read" | "list" | "delete";

/** Requests per second for one class: tenant / subscription / resource. */
export interface ThrottleLimit {
  tenant: number;
  subscription: number;
  resource: number;
}

/** The documented limits of the user-assigned identity RP. */
export const DOCUMENTED_LIMITS: Readonly<Record<ThrottleClass, ThrottleLimit>> = {
  write: { tenant: 10, subscription: 2, resource: 0.25 },
  read: { tenant: 30, subscription: 10, resource: 0.5 },
  list: { tenant: 15, subscription: 5, resource: 0.25 },
  delete: { tenant: 10, subscription: 2, resource: 0.25 },
};

/** Throttling settings. */
export interface ThrottleOptions {
  /** Per-class limits; defaults to {@link DOCUMENTED_LIMITS}. */
  limits?: Partial<Record<ThrottleClass, Partial<ThrottleLimit>>>;
  /** Seconds of traffic a bucket holds when full (its burst). Default 1 (at least one request). */
  burstSeconds?: number;
}

/** A throttling decision that refuses the request. */
export interface ThrottleRejection {
  retryAfterSeconds: number;
  scope: "tenant" | "subscription" | "resource";
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** Token buckets per (scope, key, class). */
export class Throttler {
  private buckets = new Map<string, Bucket>();

  constructor(private readonly options: ThrottleOptions, private readonly now: () => number = Date.now) {}

  /** Takes one token from each applicable bucket, or says how long to wait. */
  take(cls: ThrottleClass, keys: { tenant: string; subscription?: string; resource?: string }): ThrottleRejection | undefined {
    const limit = { ...DOCUMENTED_LIMITS[cls], ...this.options.limits?.[cls] };
    const checks: Array<[ThrottleRejection["scope"], string | undefined, number]> = [
      ["tenant", keys.tenant, limit.tenant],
      ["subscription", keys.subscription, limit.subscription],
      ["resource", keys.resource, limit.resource],
    ];
    const now = this.now();
    const touched: Bucket[] = [];
    for (const [scope, key, rate] of checks) {
      if (key === undefined || !(rate > 0)) continue;
      const capacity = Math.max(1, rate * (this.options.burstSeconds ?? 1));
      const id = `${scope}|${key}|${cls}`;
      let bucket = this.buckets.get(id);
      if (!bucket) this.buckets.set(id, (bucket = { tokens: capacity, updated: now }));
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updated) / 1000) * rate);
      bucket.updated = now;
      if (bucket.tokens < 1) {
        return { scope, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate)) };
      }
      touched.push(bucket);
    }
    for (const bucket of touched) bucket.tokens -= 1;
    return undefined;
  }

  /** Whole tokens left for a subscription and class (for the `x-ms-ratelimit-remaining-*` headers). */
  remaining(cls: ThrottleClass, subscription: string): number {
    const bucket = this.buckets.get(`subscription|${subscription}|${cls}`);
    const limit = { ...DOCUMENTED_LIMITS[cls], ...this.options.limits?.[cls] };
    return Math.floor(bucket ? bucket.tokens : Math.max(1, limit.subscription * (this.options.burstSeconds ?? 1)));
  }
}
