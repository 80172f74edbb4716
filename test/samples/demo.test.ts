/**
 * `npm run demo` itself: `node scripts/demo.mjs` runs every sample against its own emulator, prints
 * the summary, exits 0, and leaves no process, port or data directory behind.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname } from "node:path";
import { cleanEnv, describeRun, requireBuiltPackage, runNode } from "./runSample";

beforeAll(() => {
  requireBuiltPackage();
});

jest.setTimeout(120_000);

/** Pids of live processes whose environment holds `marker` (every process the demo started inherits it). */
function processesWithMarker(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").includes(marker)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or another user's process.
    }
  }
  return pids;
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

it("runs every sample on the emulator, prints the summary and exits 0 leaving nothing running", async () => {
  const marker = `ARM_MANAGED_IDENTITY_DEMO_TEST=${randomUUID()}`;
  const [key, value] = marker.split("=") as [string, string];
  const run = await runNode(["scripts/demo.mjs"], { ...cleanEnv(), [key]: value }, 110_000);
  if (run.code !== 0) throw new Error(`npm run demo failed: ${describeRun(run)}`);

  expect(run.stdout).toContain("Demo finished: 8 of 8 sample runs passed.");
  expect(run.stdout).toMatch(/^Emulator state at the end: \d+ user-assigned identities, 3 federated credentials, \d+ system-assigned identities\. Emulator stopped\.$/m);
  expect(run.stdout).toMatch(/^ {3}created quickstart-\w+: clientId [0-9a-f-]{36}, principalId [0-9a-f-]{36}$/m);
  expect(run.stdout).toMatch(/^ {3}subscription page: /m);
  expect(run.stdout).toContain("   writes made: 0");
  expect(run.stdout.match(/^ {3}ok, \d+\.\d s$/gm)).toHaveLength(8);

  // Nothing left: no process with the marker, the ARM port closed, the data directory removed.
  if (process.platform === "linux") expect(processesWithMarker(marker)).toEqual([]);
  const endpoint = /ARM endpoint +https:\/\/127\.0\.0\.1:(\d+) \(HTTPS, CA (\S+)\)/.exec(run.stdout);
  expect(endpoint).not.toBeNull();
  expect(await portAccepts(Number(endpoint![1]))).toBe(false);
  expect(existsSync(dirname(endpoint![2]!))).toBe(false);
});

it("stops at a failing sample, says which and why, and exits non-zero", async () => {
  // The emulator refuses this resource group name, so the first sample fails.
  const run = await runNode(["scripts/demo.mjs"], { ...cleanEnv(), AZURE_RESOURCE_GROUP: "bad name." }, 110_000);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain("   ! Sample failed: Error: Creating resource group bad name. answered 400");
  expect(run.stdout).toContain("Demo failed: samples/quickstart.ts (exit code 1); 0 of 8 sample runs passed before it.");
  expect(run.stdout).not.toContain("[2/8]");
  expect(run.stdout).toContain("Emulator stopped.");
});
