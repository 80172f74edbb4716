/**
 * Injected failures: throttling replies, server errors, latency and connection resets, either at a
 * seeded random rate or for the next N requests, so client retry logic can be exercised on demand.
 */

/** A kind of injected failure. */
export type FaultKind = "429" | "500" | "503" | "latency" | "reset";

/** Random fault injection settings. */
export interface FaultOptions {
  /** Probability (0..1) that a request gets a fault. Default 0. */
  rate?: number;
  /** Kinds to choose from, uniformly. Default all. */
  kinds?: FaultKind[];
  /** Seed of the pseudo-random generator, so runs are repeatable. Default 1. */
  seed?: number;
  /** Added delay for `latency` faults, in ms. Default 200. */
  latencyMs?: number;
  /** `Retry-After` seconds sent with injected 429/503. Default 1. */
  retryAfterSeconds?: number;
  /** Only requests whose path matches get faults. Default: every ARM request. */
  pathPattern?: RegExp;
}

/** A decided fault for one request. */
export interface Fault {
  kind: FaultKind;
  latencyMs: number;
  retryAfterSeconds: number;
}

/** mulberry32: a tiny seeded generator; good enough to pick faults repeatably. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALL_KINDS: FaultKind[] = ["429", "500", "503", "latency", "reset"];

/** Decides which requests get faults. */
export class FaultInjector {
  private options: FaultOptions = {};
  private random: () => number = seededRandom(1);
  private queued: Array<{ kind: FaultKind; pathPattern?: RegExp; retryAfterSeconds?: number; latencyMs?: number }> = [];

  constructor(options?: FaultOptions) {
    this.configure(options);
  }

  /** Replaces the random fault settings (undefined turns random faults off). */
  configure(options: FaultOptions | undefined): void {
    this.options = options ?? {};
    this.random = seededRandom(this.options.seed ?? 1);
  }

  /** Makes the next `count` matching requests fail with `kind` (before any random faults). */
  failNext(kind: FaultKind, count = 1, options: { pathPattern?: RegExp; retryAfterSeconds?: number; latencyMs?: number } = {}): void {
    for (let i = 0; i < count; i++) this.queued.push({ kind, ...options });
  }

  /** Drops queued faults and random settings. */
  clear(): void {
    this.queued = [];
    this.configure(undefined);
  }

  /** The fault for a request to `path`, if any. */
  decide(path: string): Fault | undefined {
    const queuedIndex = this.queued.findIndex((q) => !q.pathPattern || q.pathPattern.test(path));
    if (queuedIndex >= 0) {
      const q = this.queued.splice(queuedIndex, 1)[0]!;
      return {
        kind: q.kind,
        latencyMs: q.latencyMs ?? this.options.latencyMs ?? 200,
        retryAfterSeconds: q.retryAfterSeconds ?? this.options.retryAfterSeconds ?? 1,
      };
    }
    const rate = this.options.rate ?? 0;
    if (rate <= 0) return undefined;
    if (this.options.pathPattern && !this.options.pathPattern.test(path)) return undefined;
    if (this.random() >= rate) return undefined;
    const kinds = this.options.kinds?.length ? this.options.kinds : ALL_KINDS;
    const kind = kinds[Math.floor(this.random() * kinds.length)]!;
    return { kind, latencyMs: this.options.latencyMs ?? 200, retryAfterSeconds: this.options.retryAfterSeconds ?? 1 };
  }
}
