/**
 * The federated credential sample run twice against one persistent emulator, started the way the
 * README says (`arm-managed-identity emulator --data-dir …`) and restarted in between: the second
 * run reports "unchanged" everywhere and the emulator's state shows it wrote nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulatorEnv, expectSuccess, requireBuiltPackage, root, runSample } from "./runSample";

interface CliEmulator {
  process: ChildProcess;
  endpoint: string;
  env: Record<string, string>;
}

let dataDir: string;
let running: CliEmulator | undefined;

/** Starts the emulator command line on `dataDir` and reads the JSON line it prints. */
function startCli(): Promise<CliEmulator> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "dist", "cjs", "emulator", "cli.js"), "emulator", "--data-dir", dataDir, "--fic-write-window-ms", "20", "--json"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`The emulator did not print its endpoints in time.\n${stderr}`));
    }, 30_000);
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const line = stdout.split("\n")[0];
      if (stdout.includes("\n") && line) {
        clearTimeout(timer);
        const printed = JSON.parse(line) as { endpoint: string; env: Record<string, string> };
        resolve({ process: child, endpoint: printed.endpoint, env: printed.env });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The emulator exited with ${code} before it was ready.\n${stderr}`));
    });
  });
}

/** Stops the emulator with SIGTERM, as Ctrl+C would, and waits for it to exit. */
async function stopCli(emulator: CliEmulator): Promise<void> {
  if (emulator.process.exitCode !== null || emulator.process.signalCode !== null) return;
  const exited = new Promise((resolve) => emulator.process.once("exit", resolve));
  emulator.process.kill("SIGTERM");
  await exited;
}

/** The emulator's whole state, from its control API. */
function state(emulator: CliEmulator): Promise<{ identities: Record<string, unknown>; fics: Record<string, unknown>; resourceGroups: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ca = readFileSync(emulator.env.NODE_EXTRA_CA_CERTS!, "utf8");
    request(`${emulator.endpoint}/_emulator/state`, { ca, agent: false }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      response.on("end", () => resolve(JSON.parse(body)));
    })
      .on("error", reject)
      .end();
  });
}

beforeAll(() => {
  requireBuiltPackage();
  dataDir = mkdtempSync(join(tmpdir(), "arm-managed-identity-fic-rerun-"));
});
afterAll(async () => {
  if (running) await stopCli(running);
  rmSync(dataDir, { recursive: true, force: true });
});

jest.setTimeout(90_000);

it("a second run against the same --data-dir emulator makes no write and says so", async () => {
  running = await startCli();
  const first = await runSample("federatedCredentials.ts", emulatorEnv(running));
  expectSuccess(first);
  expect(first.stdout).toMatch(/^identity app-deployer: created /m);
  for (const name of ["github-main", "github-production", "aks-payments-worker"]) expect(first.stdout).toMatch(new RegExp(`^credential ${name}: created `, "m"));
  expect(first.stdout).toContain("writes made: 5");
  const afterFirst = await state(running);
  await stopCli(running);

  running = await startCli();
  const second = await runSample("federatedCredentials.ts", emulatorEnv(running));
  expectSuccess(second);
  expect(second.stdout).toMatch(/^identity app-deployer: unchanged /m);
  for (const name of ["github-main", "github-production", "aks-payments-worker"]) expect(second.stdout).toMatch(new RegExp(`^credential ${name}: unchanged `, "m"));
  expect(second.stdout).not.toMatch(/created|updated/);
  expect(second.stdout).toContain("writes made: 0");
  expect(second.stdout).toContain("app-deployer trusts 3 federated credentials: aks-payments-worker, github-main, github-production");

  // Same records (systemData timestamps included): nothing was rewritten.
  const afterSecond = await state(running);
  expect(afterSecond.identities).toEqual(afterFirst.identities);
  expect(afterSecond.fics).toEqual(afterFirst.fics);
  expect(afterSecond.resourceGroups).toEqual(afterFirst.resourceGroups);
  expect(Object.keys(afterSecond.fics)).toHaveLength(3);
});
