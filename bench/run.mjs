/**
 * `npm run bench [-- --quick]`: every scenario for this package's client (built `dist/`),
 * `@azure/arm-msi` 2.2.0 and hand-written undici `fetch`, against the emulator over HTTPS on
 * 127.0.0.1 in a child process, in interleaved rounds. The full run rewrites BENCHMARKS.md; `--quick`
 * (smoke, under a minute) prints the same report instead.
 */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { API_VERSION } from "./clients.mjs";
import { startEmulatorProcess } from "./emulatorProcess.mjs";
import { renderReport } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const quick = process.argv.includes("--quick");
const unknown = process.argv.slice(2).filter((a) => a !== "--quick");
if (unknown.length > 0) throw new Error(`Unknown argument(s) ${unknown.join(" ")}; the only option is --quick.`);
if (!existsSync(`${root}dist/esm/index.js`)) throw new Error("dist/ is missing: run `npm run build` before `npm run bench`.");

/** Counts and rounds: the full run (under 10 minutes on 2 cores) and the smoke run (under 60 s). */
const config = quick
  ? {
      cold: { rounds: 2 },
      get: { count: 200, rounds: 2, warmup: 100 },
      overhead: { count: 5000, rounds: 2, warmup: 100 },
      concurrent: { count: 500, concurrency: 32, rounds: 1, warmup: 100 },
      list: { count: 10_000, rounds: 1 },
      bulk: { count: 100, concurrency: 16, rounds: 1 },
      fic: { identities: 10, perIdentity: 20, rounds: 1 },
      capacity: { seconds: 2, connections: 32 },
    }
  : {
      cold: { rounds: 15 },
      get: { count: 2000, rounds: 7 },
      overhead: { count: 20_000, rounds: 5 },
      concurrent: { count: 5000, concurrency: 32, rounds: 4 },
      list: { count: 100_000, rounds: 3 },
      bulk: { count: 1000, concurrency: 16, rounds: 2 },
      fic: { identities: 50, perIdentity: 20, rounds: 2 },
      capacity: { seconds: 10, connections: 32 },
    };

/**
 * Write limits for the bulk-write scenario: 25× the documented subscription write rate (2/s),
 * so 1,000 creates are throttled yet finish in well under a minute.
 */
const BULK_THROTTLE = { limits: { write: { tenant: 100, subscription: 50 } } };

const SDKS = ["ours", "arm-msi"];
const ALL = ["ours", "arm-msi", "raw"];
const COLD_VARIANTS = ["node (empty)", "ours (root)", "ours (root + version loaded)", "ours (subpath 2024-11-30)", "arm-msi"];

function log(message) {
  process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`);
}

/**
 * Waits while `dist/` is missing: `npm run build` deletes it before compiling, and a build started
 * in the same checkout during a run must not turn into a failed measurement.
 */
async function distReady() {
  for (let waited = 0; !existsSync(`${root}dist/esm/index.js`); waited += 1000) {
    if (waited >= 120_000) throw new Error("dist/ has been missing for 2 minutes: run `npm run build`.");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Runs a Node script, returns { ms, stdout }; fails on a non-zero exit or after `timeoutMs`. */
async function runNode(args, { env = {}, timeoutMs = 180_000 } = {}) {
  await distReady();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`node ${args.join(" ")} exited with ${signal ?? code}: ${stderr.slice(-2000)}`));
      else resolve({ ms, stdout });
    });
  });
}

async function worker(emulator, scenario, implementations, params) {
  const { stdout } = await runNode(["--expose-gc", "bench/worker.mjs", scenario, implementations, JSON.stringify(params)], {
    env: { BENCH_EMULATOR: JSON.stringify(emulator.env) },
  });
  return JSON.parse(stdout.trim().split("\n").pop());
}

async function withEmulator(options, task) {
  await distReady();
  const emulator = await startEmulatorProcess(options);
  try {
    return await task(emulator);
  } finally {
    await emulator.stop();
  }
}

async function coldStart() {
  const rounds = [];
  for (let round = 0; round < config.cold.rounds; round++) {
    const row = {};
    for (const variant of COLD_VARIANTS) {
      const { ms, stdout } = await runNode(["bench/coldStart.mjs", variant]);
      row[variant] = { ms, maxRssMb: JSON.parse(stdout).maxRssMb };
    }
    rounds.push(row);
  }
  return { rounds };
}

async function reads(emulator) {
  await emulator.seedIdentities("bench", "reader", 1);
  const target = { rg: "bench", name: "reader-0" };
  log(`per-call latency: ${config.get.count} sequential gets × ${config.get.rounds} rounds`);
  const get = await worker(emulator, "get", ALL.join(","), { ...target, ...config.get });
  log(`client layer alone: ${config.overhead.count} gets on a canned HttpClient × ${config.overhead.rounds} rounds`);
  const overhead = await worker(emulator, "overhead", SDKS.join(","), { ...target, ...config.overhead });
  log(`concurrent throughput: ${config.concurrent.count} gets at concurrency ${config.concurrent.concurrency} × ${config.concurrent.rounds} rounds`);
  const concurrent = await worker(emulator, "concurrent", ALL.join(","), { ...target, ...config.concurrent });
  log(`emulator capacity: autocannon GET and PUT, ${config.capacity.seconds} s each`);
  const capacity = {};
  const url = `${emulator.env.endpoint}/subscriptions/${emulator.env.subscriptionId}/resourceGroups/bench/providers/Microsoft.ManagedIdentity/userAssignedIdentities/reader-0?api-version=${API_VERSION}`;
  const load = (method, duration) =>
    autocannon({
      url,
      method,
      connections: config.capacity.connections,
      duration,
      headers: { authorization: `Bearer ${emulator.env.token}`, "content-type": "application/json" },
      body: method === "PUT" ? JSON.stringify({ location: "westus", tags: { bench: "capacity" } }) : undefined,
      tlsOptions: { ca: emulator.env.caCertificate },
    });
  // One unmeasured second per method first, so both measured runs see an optimized emulator.
  for (const method of ["GET", "PUT"]) await load(method, 1);
  for (const method of ["GET", "PUT"]) {
    const result = await load(method, config.capacity.seconds);
    capacity[method] = {
      perSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  }
  return { get, overhead, concurrent, capacity };
}

async function listing(emulator) {
  const { count, rounds: roundCount } = config.list;
  log(`large listing: seeding ${count} identities through the control API`);
  await emulator.seedIdentities("listing", "item", count);
  const rounds = [];
  for (let round = 0; round < roundCount; round++) {
    const row = {};
    for (const impl of ALL) {
      log(`large listing: round ${round + 1}/${roundCount}, ${impl}`);
      row[impl] = await worker(emulator, "list", impl, { rg: "listing", name: "item-0", expected: count });
    }
    rounds.push(row);
  }
  return { rounds };
}

async function bulkWrites(emulator) {
  await emulator.seedResourceGroup("bulk");
  const rounds = [];
  for (let round = 0; round < config.bulk.rounds; round++) {
    const row = {};
    for (const impl of SDKS) {
      log(`bulk writes: round ${round + 1}/${config.bulk.rounds}, ${impl}`);
      row[impl] = await worker(emulator, "bulk", impl, { rg: "bulk", prefix: `w${round}-${impl}`, count: config.bulk.count, concurrency: config.bulk.concurrency });
    }
    rounds.push(row);
  }
  return { rounds, throttle: BULK_THROTTLE };
}

async function ficFanOut(emulator) {
  const rounds = [];
  for (let round = 0; round < config.fic.rounds; round++) {
    const row = {};
    for (const impl of SDKS) {
      const prefix = `f${round}-${impl}`;
      await emulator.seedIdentities("fic", prefix, config.fic.identities);
      log(`FIC fan-out: round ${round + 1}/${config.fic.rounds}, ${impl}`);
      row[impl] = await worker(emulator, "fic", impl, { rg: "fic", prefix, identities: config.fic.identities, perIdentity: config.fic.perIdentity });
    }
    rounds.push(row);
  }
  return { rounds };
}

const startedAt = performance.now();
const cpus = os.cpus();
const machine = {
  cores: cpus.length,
  cpuModel: cpus[0]?.model ?? "unknown",
  node: process.version,
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  loadBefore: os.loadavg(),
};
log(`${quick ? "quick" : "full"} run on ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}`);
log(`cold start: ${config.cold.rounds} rounds × ${COLD_VARIANTS.length} variants`);
const results = { cold: await coldStart() };
Object.assign(results, await withEmulator({}, reads));
results.fic = await withEmulator({ ficWriteWindowMs: 100 }, ficFanOut);
results.bulk = await withEmulator({ throttle: BULK_THROTTLE }, bulkWrites);
results.list = await withEmulator({}, listing);
machine.loadAfter = os.loadavg();
const totalSeconds = (performance.now() - startedAt) / 1000;
const command = quick ? "npm run bench -- --quick" : "npm run bench";
const markdown = renderReport({ machine, config, results, command, totalSeconds, date: new Date().toISOString() });
// Raw numbers of the last run, for a closer look than the tables give.
const rawFile = join(os.tmpdir(), `arm-managed-identity-bench-${quick ? "quick" : "full"}.json`);
writeFileSync(rawFile, JSON.stringify({ machine, config, results, command, totalSeconds }, null, 1));
log(`raw results: ${rawFile}`);
// A smoke run prints its report; only the full run rewrites BENCHMARKS.md.
if (quick) process.stdout.write(markdown);
else writeFileSync(`${root}BENCHMARKS.md`, markdown);
log(`done in ${totalSeconds.toFixed(0)} s${quick ? "" : "; BENCHMARKS.md rewritten"}`);
