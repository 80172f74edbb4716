/**
 * Runs one scenario with one implementation in a fresh process and prints one JSON line with
 * its measurements. Usage: node bench/worker.mjs <scenario> <implementation[,implementation…]> '<params JSON>',
 * with the emulator's { endpoint, caCertificate, subscriptionId, token } in BENCH_EMULATOR.
 */
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import { createImplementation } from "./clients.mjs";

const [scenario, implementationName, paramsJson] = process.argv.slice(2);
const params = JSON.parse(paramsJson ?? "{}");
const env = JSON.parse(process.env.BENCH_EMULATOR ?? "null");
if (!env) throw new Error("BENCH_EMULATOR is not set: run the benchmarks with `npm run bench`.");

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at a time; returns the failures. */
async function pool(count, concurrency, task) {
  let next = 0;
  const failures = [];
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return failures;
}

/** Tracks the peak resident set size by sampling while the event loop turns. */
function rssSampler(intervalMs = 20) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  return {
    peek: () => Math.max(peak, process.memoryUsage.rss()),
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

function statusOf(error) {
  return error?.statusCode ?? error?.status ?? "error";
}

function summarizeFailures(failures) {
  const byStatus = {};
  for (const f of failures) byStatus[statusOf(f)] = (byStatus[statusOf(f)] ?? 0) + 1;
  return byStatus;
}

/** Default unmeasured calls per implementation before the measured rounds: loads code, opens the connection, lets the JIT settle. */
const WARMUP_CALLS = 500;

/** Wall and CPU milliseconds of `task()`. */
async function timed(task) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await task();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

/**
 * Runs `measure(impl)` for every implementation in turn, `rounds` times, inside this one process
 * so all of them see the same machine load. Each implementation first gets `warmup` (JIT,
 * connection); each measured block starts after a full GC, and the
 * starting implementation rotates per round (ours, arm-msi, raw; arm-msi, raw, ours; …) so none
 * always runs right after another's garbage. Returns one { implementation: result } per round.
 */
async function interleaved(implementations, rounds, warmup, measure) {
  const collect = () => globalThis.gc?.();
  for (const impl of implementations.values()) await warmup(impl);
  const names = [...implementations.keys()];
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const row = {};
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      collect();
      row[name] = await measure(implementations.get(name));
    }
    results.push(Object.fromEntries(names.map((name) => [name, row[name]])));
  }
  return results;
}

/**
 * An HttpClient answering every request with one canned identity: takes the network and the
 * emulator out, leaving the client layer (validation, pipeline, serialization).
 */
function cannedHttpClient(env, rg, name) {
  const bodyAsText = JSON.stringify({
    id: `/subscriptions/${env.subscriptionId}/resourcegroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
    name,
    type: "Microsoft.ManagedIdentity/userAssignedIdentities",
    location: "westus",
    tags: {},
    properties: { tenantId: env.subscriptionId, principalId: env.subscriptionId, clientId: env.subscriptionId, isolationScope: "None" },
  });
  return {
    sendRequest: async (request) => ({ request, status: 200, headers: createHttpHeaders({ "content-type": "application/json; charset=utf-8" }), bodyAsText }),
  };
}

const interleavedScenarios = {
  /** Sequential gets of one identity, after a warm-up that loads code and opens the connection. */
  get: (implementations, { rg, name, count, rounds, warmup = WARMUP_CALLS }) =>
    interleaved(
      implementations,
      rounds,
      async (impl) => {
        for (let i = 0; i < warmup; i++) await impl.get(rg, name);
      },
      async (impl) => {
        const { ms, cpuMs } = await timed(async () => {
          for (let i = 0; i < count; i++) await impl.get(rg, name);
        });
        return { ms, cpuMs, perCallUs: (ms * 1000) / count, cpuPerCallUs: (cpuMs * 1000) / count };
      },
    ),
  /** Sequential gets answered by {@link cannedHttpClient}: the client layer's own CPU per call. */
  overhead: (implementations, params) => interleavedScenarios.get(implementations, params),
  /** Gets of one identity, `concurrency` at a time. */
  concurrent: (implementations, { rg, name, count, concurrency, rounds, warmup = WARMUP_CALLS }) =>
    interleaved(
      implementations,
      rounds,
      (impl) => pool(warmup, concurrency, () => impl.get(rg, name)),
      async (impl) => {
        const { ms, cpuMs, value: failures } = await timed(() => pool(count, concurrency, () => impl.get(rg, name)));
        return { ms, cpuMs, perSecond: (count * 1000) / ms, failures: failures.length };
      },
    ),
};

const scenarios = {
  /**
   * Iterates every identity of the subscription with `for await`. Reports the peak RSS growth over
   * the warmed-up baseline (sampled), the same after the first tenth of the items (flat growth
   * means streamed), and the heap still used after a full GC at the end (retained).
   */
  async list(impl, { rg, name, expected }) {
    for (let i = 0; i < 5; i++) await impl.get(rg, name);
    globalThis.gc?.();
    const baseline = process.memoryUsage();
    const sampler = rssSampler();
    let items = 0;
    let peakAtTenth;
    const tenth = Math.ceil(expected / 10);
    const { ms, cpuMs } = await timed(() =>
      impl.list(() => {
        if (++items === tenth) peakAtTenth = sampler.peek();
      }),
    );
    const peak = sampler.stop();
    if (items !== expected) throw new Error(`Listing returned ${items} identities, expected ${expected}.`);
    globalThis.gc?.();
    const mb = (bytes) => bytes / 2 ** 20;
    return {
      ms,
      cpuMs,
      items,
      rssGrowthMb: mb(peak - baseline.rss),
      rssGrowthAtTenthMb: mb(peakAtTenth - baseline.rss),
      heapRetainedMb: mb(process.memoryUsage().heapUsed - baseline.heapUsed),
    };
  },
  /** Creates `count` identities, `concurrency` at a time, with the emulator throttling. */
  async bulk(impl, { rg, prefix, count, concurrency }) {
    const started = performance.now();
    const failures = await pool(count, concurrency, (i) => impl.create(rg, `${prefix}-${i}`, { location: "westus", tags: { bench: "bulk" } }));
    const ms = performance.now() - started;
    return { ms, failures: failures.length, failuresByStatus: summarizeFailures(failures), responses429: impl.counts[429] ?? 0 };
  },
  /** Writes `perIdentity` federated credentials on each of `identities` identities, all at once (Promise.all). */
  async fic(impl, { rg, prefix, identities, perIdentity }) {
    const writes = [];
    const started = performance.now();
    for (let i = 0; i < identities; i++) {
      for (let f = 0; f < perIdentity; f++) {
        writes.push(
          impl.createFic(rg, `${prefix}-${i}`, `fic-${f}`, {
            issuer: "https://token.actions.githubusercontent.com",
            subject: `repo:contoso/app-${f}:environment:prod`,
            audiences: ["api://AzureADTokenExchange"],
          }),
        );
      }
    }
    const settled = await Promise.allSettled(writes);
    const ms = performance.now() - started;
    const failures = settled.filter((s) => s.status === "rejected").map((s) => s.reason);
    return { ms, failures: failures.length, failuresByStatus: summarizeFailures(failures), responses409: impl.counts[409] ?? 0 };
  },
};

if (interleavedScenarios[scenario]) {
  const implementations = new Map();
  const options = scenario === "overhead" ? { ...params, httpClient: cannedHttpClient(env, params.rg, params.name) } : params;
  for (const name of implementationName.split(",")) implementations.set(name, await createImplementation(name, env, options));
  const rounds = await interleavedScenarios[scenario](implementations, params);
  for (const impl of implementations.values()) await impl.close();
  process.stdout.write(`${JSON.stringify({ rounds })}\n`);
} else {
  const run = scenarios[scenario];
  if (!run) throw new Error(`Unknown scenario "${scenario}"; expected one of ${[...Object.keys(interleavedScenarios), ...Object.keys(scenarios)].join(", ")}.`);
  const impl = await createImplementation(implementationName, env, params);
  const result = await run(impl, params);
  await impl.close();
  process.stdout.write(`${JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}
