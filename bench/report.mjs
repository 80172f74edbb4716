/**
 * Renders BENCHMARKS.md from one run's results: machine, command, one table per scenario with
 * medians, spread (min–max over rounds) and per-round ratios, the targets, and the analysis
 * kept in bench/analysis.md.
 */
import { existsSync, readFileSync } from "node:fs";
import { median, ratios, summarize } from "./stats.mjs";

const analysisFile = new URL("./analysis.md", import.meta.url);

function fmt(value, digits = 0) {
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "median (min–max)". */
function spread(values, digits = 0) {
  const s = summarize(values);
  return s.n > 1 ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : fmt(s.median, digits);
}

/** "1.03× (0.98–1.10)" for per-round ratios. */
function ratio(a, b) {
  const r = ratios(a, b);
  return r.n > 1 ? `${fmt(r.median, 2)}× (${fmt(r.min, 2)}–${fmt(r.max, 2)})` : `${fmt(r.median, 2)}×`;
}

function column(rounds, impl, key) {
  return rounds.map((round) => round[impl][key]);
}

function table(header, rows) {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function check(met) {
  return met ? "met" : "**missed**";
}

export function renderReport({ machine, config, results, command, totalSeconds, date }) {
  const { cold, get, overhead, concurrent, capacity, list, bulk, fic } = results;
  const out = [];
  const targets = [];
  out.push("# Benchmarks", "");
  out.push(
    `Written by \`${command}\` (bench/run.mjs) on ${date}; the whole run took ${fmt(totalSeconds)} s. ` +
      `Each scenario runs this package's client (\`ManagedServiceIdentityClient\` from the built \`dist/\`, imported as \`arm-managed-identity\`), ` +
      `\`@azure/arm-msi\` 2.2.0 and, where it makes sense, hand-written undici \`fetch\` calls, all with API version 2024-11-30, ` +
      "against the emulator over HTTPS on 127.0.0.1 running in its own child process. Rounds interleave the implementations " +
      "(ours, arm-msi, raw, ours, …); tables give the median over rounds with the min–max in brackets, and ratios are computed per round, then summarized the same way.",
    "",
  );
  out.push("## Machine", "");
  out.push(
    table(
      ["cores", "CPU", "Node", "OS", "load average before / after (1, 5, 15 min)"],
      [[machine.cores, machine.cpuModel, machine.node, machine.platform, `${machine.loadBefore.map((l) => fmt(l, 1)).join(", ")} / ${machine.loadAfter.map((l) => fmt(l, 1)).join(", ")}`]],
    ),
    "",
    "The machine is shared: other processes were running during the run (see the load average), so absolute times are noisy; the per-round ratios of interleaved rounds are the numbers to compare.",
    "",
  );

  // 1. Cold start
  const variants = Object.keys(cold.rounds[0]);
  const coldMs = (v) => cold.rounds.map((r) => r[v].ms);
  const coldRss = (v) => cold.rounds.map((r) => r[v].maxRssMb);
  out.push(`## 1. Cold start (${cold.rounds.length} rounds)`, "");
  out.push("A new Node process imports the package, constructs a client for 2024-11-30 and exits; wall time is measured by the parent from spawn to exit, peak RSS is the child's `process.resourceUsage().maxRSS`.", "");
  out.push(
    table(
      ["variant", "wall ms", "peak RSS MB", "wall ratio vs arm-msi", "RSS ratio vs arm-msi"],
      variants.map((v) => [v, spread(coldMs(v)), spread(coldRss(v), 1), v === "arm-msi" || v.startsWith("node") ? "" : ratio(coldMs(v), coldMs("arm-msi")), v === "arm-msi" || v.startsWith("node") ? "" : ratio(coldRss(v), coldRss("arm-msi"))]),
    ),
    "",
  );
  const coldRoot = ratios(coldMs("ours (root)"), coldMs("arm-msi")).median;
  const coldSub = ratios(coldMs("ours (subpath 2024-11-30)"), coldMs("arm-msi")).median;
  const coldLoaded = ratios(coldMs("ours (root + version loaded)"), coldMs("arm-msi")).median;
  out.push(`Reading: constructing a one-version client costs ${fmt(coldRoot, 2)}× arm-msi's wall time from the root import (${fmt(coldLoaded, 2)}× once the version's generated code is loaded for the first call) and ${fmt(coldSub, 2)}× from the per-version subpath.`, "");
  targets.push(["cold start ≤ 1.0× arm-msi, one-version client (`arm-managed-identity/2024-11-30`)", `${fmt(coldSub, 2)}×`, check(coldSub <= 1.0)]);
  targets.push(["cold start ≤ 1.0× arm-msi, root import with `apiVersion` (construct only / + version loaded)", `${fmt(coldRoot, 2)}× / ${fmt(coldLoaded, 2)}×`, check(coldRoot <= 1.0 && coldLoaded <= 1.0)]);

  // 2. Per-call latency
  const impls = Object.keys(get.rounds[0]);
  out.push(`## 2. Per-call latency: ${fmt(config.get.count)} sequential \`userAssignedIdentities.get\` (${get.rounds.length} rounds)`, "");
  out.push(`All three implementations run in one worker process, after ${config.get.warmup ?? 500} warm-up calls each; CPU is the worker's user+system time per call (the emulator's CPU is in its own process).`, "");
  out.push(
    table(
      ["implementation", "µs per call", "client CPU µs per call", "ratio ours / this (wall)", "ratio ours / this (CPU)"],
      impls.map((i) => [i, spread(column(get.rounds, i, "perCallUs")), spread(column(get.rounds, i, "cpuPerCallUs")), i === "ours" ? "" : ratio(column(get.rounds, "ours", "perCallUs"), column(get.rounds, i, "perCallUs")), i === "ours" ? "" : ratio(column(get.rounds, "ours", "cpuPerCallUs"), column(get.rounds, i, "cpuPerCallUs"))]),
    ),
    "",
  );
  const getVsMsi = ratios(column(get.rounds, "ours", "perCallUs"), column(get.rounds, "arm-msi", "perCallUs")).median;
  const getVsRaw = ratios(column(get.rounds, "ours", "perCallUs"), column(get.rounds, "raw", "perCallUs")).median;
  out.push(`Reading: a sequential get through our client takes ${fmt(getVsMsi, 2)}× arm-msi and ${fmt(getVsRaw, 2)}× raw fetch (median of per-round ratios).`, "");
  targets.push(["per-call ≤ 1.05× arm-msi", `${fmt(getVsMsi, 2)}×`, check(getVsMsi <= 1.05)]);
  targets.push(["per-call ≤ 1.5× raw fetch", `${fmt(getVsRaw, 2)}×`, check(getVsRaw <= 1.5)]);

  out.push(`### 2b. The client layer alone: ${fmt(config.overhead.count)} sequential gets on a canned \`HttpClient\` (${overhead.rounds.length} rounds)`, "");
  out.push("Same calls through both SDK clients with `httpClient` answering at once with a fixed identity: no sockets, no TLS, no emulator, so only validation, the pipeline and (de)serialization remain.", "");
  out.push(
    table(
      ["implementation", "µs per call", "CPU µs per call", "ratio ours / this (wall)"],
      Object.keys(overhead.rounds[0]).map((i) => [i, spread(column(overhead.rounds, i, "perCallUs"), 1), spread(column(overhead.rounds, i, "cpuPerCallUs"), 1), i === "ours" ? "" : ratio(column(overhead.rounds, "ours", "perCallUs"), column(overhead.rounds, i, "perCallUs"))]),
    ),
    "",
  );
  const overheadVsMsi = ratios(column(overhead.rounds, "ours", "perCallUs"), column(overhead.rounds, "arm-msi", "perCallUs")).median;
  out.push(`Reading: without the network our client layer costs ${fmt(overheadVsMsi, 2)}× arm-msi's per call (${fmt(median(column(overhead.rounds, "ours", "perCallUs")), 1)} vs ${fmt(median(column(overhead.rounds, "arm-msi", "perCallUs")), 1)} µs).`, "");

  // 3. Concurrent throughput
  out.push(`## 3. Concurrent throughput: ${fmt(config.concurrent.count)} gets at concurrency ${config.concurrent.concurrency} (${concurrent.rounds.length} rounds)`, "");
  out.push(
    table(
      ["implementation", "gets/s", "wall ms", "client CPU ms", "failures", "ratio ours / this (wall)"],
      impls.map((i) => [i, spread(column(concurrent.rounds, i, "perSecond")), spread(column(concurrent.rounds, i, "ms")), spread(column(concurrent.rounds, i, "cpuMs")), fmt(Math.max(...column(concurrent.rounds, i, "failures"))), i === "ours" ? "" : ratio(column(concurrent.rounds, "ours", "ms"), column(concurrent.rounds, i, "ms"))]),
    ),
    "",
  );
  const concVsMsi = ratios(column(concurrent.rounds, "ours", "ms"), column(concurrent.rounds, "arm-msi", "ms")).median;
  out.push(`Reading: at concurrency ${config.concurrent.concurrency} our client needs ${fmt(concVsMsi, 2)}× arm-msi's time; all three are bound by the single-threaded emulator (compare scenario 7).`, "");

  // 4. Large listing
  out.push(`## 4. Large listing: ${fmt(config.list.count)} identities, \`for await\` over \`listBySubscription\` (${list.rounds.length} rounds)`, "");
  out.push(`Seeded with \`POST /_emulator/seed\`; the emulator's default page size (100, as ARM), so ${fmt(config.list.count / 100)} pages. Each run is a fresh worker process; RSS growth is the peak RSS (sampled every 20 ms) minus the RSS after warm-up.`, "");
  out.push(
    table(
      ["implementation", "wall ms", "client CPU ms", "peak RSS growth MB", "ratio ours / this (wall)", "ratio ours / this (CPU)"],
      impls.map((i) => [i, spread(column(list.rounds, i, "ms")), spread(column(list.rounds, i, "cpuMs")), spread(column(list.rounds, i, "rssGrowthMb"), 1), i === "ours" ? "" : ratio(column(list.rounds, "ours", "ms"), column(list.rounds, i, "ms")), i === "ours" ? "" : ratio(column(list.rounds, "ours", "cpuMs"), column(list.rounds, i, "cpuMs"))]),
    ),
    "",
  );
  const listVsMsi = ratios(column(list.rounds, "ours", "ms"), column(list.rounds, "arm-msi", "ms")).median;
  const listRss = Math.max(...column(list.rounds, "ours", "rssGrowthMb"));
  out.push(`Flatness: peak RSS growth after the first tenth of the items vs after all of them — ${impls.map((i) => `${i} ${fmt(median(column(list.rounds, i, "rssGrowthAtTenthMb")), 1)} → ${fmt(median(column(list.rounds, i, "rssGrowthMb")), 1)} MB`).join(", ")}; heap still in use after a full GC at the end, over the baseline: ${impls.map((i) => `${i} ${fmt(median(column(list.rounds, i, "heapRetainedMb")), 1)} MB`).join(", ")}.`, "");
  out.push(`Reading: our iterator streams the ${fmt(config.list.count)} identities with at most ${fmt(listRss, 1)} MB RSS growth in ${fmt(listVsMsi, 2)}× arm-msi's time.`, "");
  targets.push([`${fmt(config.list.count)}-item listing: peak RSS growth < 50 MB`, `${fmt(listRss, 1)} MB (worst round)`, check(listRss < 50)]);
  targets.push([`${fmt(config.list.count)}-item listing: time ≤ 1.0× arm-msi`, `${fmt(listVsMsi, 2)}×`, check(listVsMsi <= 1.0)]);

  // 5. Bulk writes under throttling
  const limits = bulk.throttle.limits.write;
  out.push(`## 5. Bulk writes under throttling: ${fmt(config.bulk.count)} creates at concurrency ${config.bulk.concurrency} (${bulk.rounds.length} rounds)`, "");
  out.push(`Emulator throttling on with write limits tenant ${limits.tenant}/s, subscription ${limits.subscription}/s (25× the documented 2/s per subscription, which would make ${fmt(config.bulk.count)} creates take ${fmt(config.bulk.count / 2)} s). 429s are counted by a per-retry pipeline policy in each client. Both clients use their default retry options. Raw fetch is left out: without a retry policy it would only measure how many writes fail.`, "");
  const sdkImpls = Object.keys(bulk.rounds[0]);
  out.push(
    table(
      ["implementation", "wall ms", "failures (all rounds)", "429s seen per round"],
      sdkImpls.map((i) => [i, spread(column(bulk.rounds, i, "ms")), fmt(column(bulk.rounds, i, "failures").reduce((a, b) => a + b, 0)), spread(column(bulk.rounds, i, "responses429"))]),
    ),
    "",
  );
  const bulkFailures = column(bulk.rounds, "ours", "failures").reduce((a, b) => a + b, 0);
  out.push(`Reading: our client completed the creates with ${fmt(bulkFailures)} failures, retrying a median of ${fmt(median(column(bulk.rounds, "ours", "responses429")))} 429s per round on the server's Retry-After.`, "");
  targets.push(["bulk writes: 0 failures", `${fmt(bulkFailures)}`, check(bulkFailures === 0)]);

  // 6. FIC fan-out
  out.push(`## 6. Federated credential fan-out: ${config.fic.perIdentity} credentials on each of ${config.fic.identities} identities (${fic.rounds.length} rounds)`, "");
  out.push("Emulator federated-credential write window 100 ms (a second write on the same identity inside it gets the service's 409). Both clients get the same code: all writes started at once with `Promise.allSettled`. Ours queues writes per identity (in parallel across identities) with its default retry delays; arm-msi sends them all.", "");
  out.push(
    table(
      ["implementation", "wall ms", "failures per round", "409 responses per round"],
      Object.keys(fic.rounds[0]).map((i) => [i, spread(column(fic.rounds, i, "ms")), spread(column(fic.rounds, i, "failures")), spread(column(fic.rounds, i, "responses409"))]),
    ),
    "",
  );
  const ficFailures = column(fic.rounds, "ours", "failures").reduce((a, b) => a + b, 0);
  out.push(`Reading: ours wrote all ${fmt(config.fic.identities * config.fic.perIdentity)} credentials with ${fmt(ficFailures)} failures; the naive arm-msi fan-out lost a median of ${fmt(median(column(fic.rounds, "arm-msi", "failures")))} writes per round to 409.`, "");
  targets.push(["FIC fan-out: 0 failures for ours", `${fmt(ficFailures)}`, check(ficFailures === 0)]);

  // 7. Emulator capacity
  out.push(`## 7. Emulator capacity (autocannon, ${config.capacity.connections} connections, ${config.capacity.seconds} s per method)`, "");
  out.push("The emulator (one Node process) and autocannon (the bench process) share the 2 cores. GET and PUT of one identity, throttling off.", "");
  out.push(
    table(
      ["method", "requests/s", "p50 ms", "p99 ms", "requests", "non-2xx", "errors"],
      Object.entries(capacity).map(([m, c]) => [m, fmt(c.perSecond), fmt(c.p50Ms), fmt(c.p99Ms), fmt(c.total), fmt(c.non2xx), fmt(c.errors)]),
    ),
    "",
  );
  out.push(`Reading: the emulator serves ${fmt(capacity.GET.perSecond)} GET/s (p99 ${fmt(capacity.GET.p99Ms)} ms) and ${fmt(capacity.PUT.perSecond)} PUT/s (p99 ${fmt(capacity.PUT.p99Ms)} ms).`, "");
  targets.push(["emulator ≥ 3,000 GET/s", `${fmt(capacity.GET.perSecond)} GET/s`, check(capacity.GET.perSecond >= 3000)]);

  out.push("## Targets", "");
  out.push(table(["target", "this run", "status"], targets), "");
  if (existsSync(analysisFile)) out.push(readFileSync(analysisFile, "utf8").trim(), "");
  out.push("## Reproduce", "", "```sh", "npm run build", command, "```", "");
  return out.join("\n");
}
