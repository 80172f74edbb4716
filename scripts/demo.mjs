#!/usr/bin/env node
// npm run demo: starts the local emulator over HTTPS, runs every sample against it as a child
// process with a managed-identity credential (the emulator's App Service token endpoint), prints
// what each does, then stops the emulator. Exit code 0 only when every sample succeeded.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sampleTimeoutMs = 120_000;

/** The runs, in order; the federated credential sample runs twice to show that the second run writes nothing. */
const runs = [
  { file: "quickstart.ts", title: "Quickstart: create, get, update tags, list, delete a user-assigned identity" },
  { file: "federatedCredentials.ts", title: "Federated credentials for GitHub Actions and Kubernetes, with ensure" },
  { file: "federatedCredentials.ts", title: "The same again: ensure finds every credential, nothing is written" },
  { file: "systemAssignedIdentity.ts", title: "System-assigned identity of a resource, by scope" },
  { file: "apiVersionsAndProfiles.ts", title: "An API version (2022-01-31-preview) and a profile" },
  { file: "fromInsideAVm.ts", title: "From inside a VM: ManagedIdentityCredential, system- and user-assigned" },
  { file: "backendAuth.ts", title: "Managed-identity auth to any backend: policy and fetch wrapper" },
  { file: "sovereignClouds.ts", title: "Sovereign clouds: endpoint and token scope, no network" },
];

function fail(message) {
  console.error(`demo failed: ${message}`);
  process.exit(1);
}

if (!existsSync(join(root, "dist", "esm", "index.js")) || !existsSync(join(root, "dist", "esm", "emulator", "index.js"))) {
  fail("dist/ is missing. Run `npm run build` (npm install runs it too), then `npm run demo`.");
}
if (!existsSync(join(root, "node_modules", "tsx"))) {
  fail("tsx is not installed (a dev dependency). Run `npm install`, then `npm run demo`.");
}

const { startEmulator } = await import("arm-managed-identity/emulator");

const dataDir = mkdtempSync(join(tmpdir(), "arm-managed-identity-demo-"));
let emulator;
let current;
let stopping;

/** Stops the running sample (if any) and the emulator, and removes the data directory. Idempotent. */
function cleanUp() {
  stopping ??= (async () => {
    if (current && current.exitCode === null && current.signalCode === null) {
      current.kill("SIGKILL");
      await new Promise((resolve) => current.once("close", resolve));
    }
    await emulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  })();
  return stopping;
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the samples and the emulator.`);
    cleanUp().finally(() => process.exit(130));
  });
}

function runSample(file, env) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", join("samples", file)], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    current = child;
    const output = [];
    const print = (prefix) => {
      let pending = "";
      return (chunk) => {
        pending += chunk.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          output.push(line);
          console.log(`   ${prefix}${line}`);
        }
      };
    };
    child.stdout.on("data", print(""));
    child.stderr.on("data", print("! "));
    const timer = setTimeout(() => {
      console.log(`   ! no exit after ${sampleTimeoutMs / 1000} s: stopping it`);
      child.kill("SIGKILL");
    }, sampleTimeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: 1, output, seconds: 0, reason: `could not start: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      const seconds = (Date.now() - started) / 1000;
      resolve({ code: code ?? 1, output, seconds, reason: signal ? `killed by ${signal}` : code ? `exit code ${code}` : undefined });
    });
  });
}

try {
  emulator = await startEmulator({ dataDir, ficWriteWindowMs: 20 });
} catch (error) {
  rmSync(dataDir, { recursive: true, force: true });
  fail(`the emulator did not start: ${error?.message ?? error}`);
}

const env = {
  ...process.env,
  ...emulator.env,
  ARM_MANAGED_IDENTITY_ENDPOINT: emulator.endpoint,
  // Samples import the package by name; this tsconfig resolves it through package.json "exports" (dist/).
  TSX_TSCONFIG_PATH: join(root, "samples", "tsconfig.json"),
};

console.log("arm-managed-identity demo: every sample against the local emulator");
console.log(`  ARM endpoint    ${emulator.endpoint} (HTTPS, CA ${emulator.caCertificatePath})`);
console.log(`  token endpoint  ${emulator.tokenEndpoints.appService} (App Service protocol, for ManagedIdentityCredential)`);
console.log(`  subscription    ${emulator.subscriptionId}`);
console.log("  samples get     ARM_MANAGED_IDENTITY_ENDPOINT, AZURE_SUBSCRIPTION_ID, IDENTITY_ENDPOINT, IDENTITY_HEADER, NODE_EXTRA_CA_CERTS");

const results = [];
for (const [index, run] of runs.entries()) {
  console.log(`\n[${index + 1}/${runs.length}] ${run.title}  (samples/${run.file})`);
  const result = await runSample(run.file, env);
  results.push({ ...run, ...result });
  console.log(result.code === 0 ? `   ok, ${result.seconds.toFixed(1)} s` : `   FAILED: ${result.reason}`);
  // Later samples build on the same emulator; after a failure their output would only add noise.
  if (result.code !== 0) break;
}

const state = emulator.control.state();
const count = (collection) => Object.keys(collection).length;
const summaryState =
  `${count(state.identities)} user-assigned identities, ${count(state.fics)} federated credentials, ` +
  `${count(state.systemAssigned)} system-assigned identities`;
await cleanUp();

const failed = results.filter((r) => r.code !== 0);
console.log("");
console.log(`Emulator state at the end: ${summaryState}. Emulator stopped.`);
if (failed.length > 0) {
  const [first] = failed;
  console.log(`Demo failed: samples/${first.file} (${first.reason}); ${results.length - 1} of ${runs.length} sample runs passed before it.`);
  process.exit(1);
}
console.log(`Demo finished: ${results.length} of ${results.length} sample runs passed.`);
console.log("Against Azure instead: unset ARM_MANAGED_IDENTITY_ENDPOINT, set AZURE_SUBSCRIPTION_ID, sign in (az login), npm run sample:quickstart.");
