/**
 * Runs samples as a user would: child processes with tsx, importing the built package (dist/)
 * by name, with the environment an emulator prints.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The repository root. */
export const root = join(__dirname, "..", "..");

/** Fails with what to do when the built package or tsx is missing (samples run against dist/). */
export function requireBuiltPackage(): void {
  const needed = ["dist/cjs/index.js", "dist/cjs/emulator/index.js", "dist/cjs/emulator/cli.js", "dist/esm/index.js", "dist/esm/emulator/index.js"];
  const missing = needed.filter((file) => !existsSync(join(root, file)));
  if (missing.length > 0) {
    throw new Error(`The samples run against the built package, but ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing: run \`npm run build\` first.`);
  }
  if (!existsSync(join(root, "node_modules", "tsx"))) throw new Error("tsx is missing: run `npm install`.");
}

/** Variables that would point a sample somewhere else than the emulator under test. */
const inherited = [
  "ARM_MANAGED_IDENTITY_ENDPOINT",
  "AZURE_SUBSCRIPTION_ID",
  "AZURE_RESOURCE_GROUP",
  "AZURE_LOG_LEVEL",
  "IDENTITY_ENDPOINT",
  "IDENTITY_HEADER",
  "MSI_ENDPOINT",
  "MSI_SECRET",
  "IMDS_ENDPOINT",
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
  "NODE_EXTRA_CA_CERTS",
  "NODE_OPTIONS",
];

/** The environment of this process without anything that selects a target or an identity. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !inherited.includes(key)) env[key] = value;
  }
  env.TSX_TSCONFIG_PATH = join(root, "samples", "tsconfig.json");
  return env;
}

/** The environment of a sample run against an emulator: what it prints, plus its ARM endpoint. */
export function emulatorEnv(emulator: { endpoint: string; env: Record<string, string> }): Record<string, string> {
  return { ...cleanEnv(), ...emulator.env, ARM_MANAGED_IDENTITY_ENDPOINT: emulator.endpoint };
}

/** What a sample run printed and how it ended. */
export interface SampleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node --import tsx samples/<file>` (or a script) and waits for it; a run that does not end
 * within `timeoutMs` is killed and reported as such, so a broken sample cannot hang the suite.
 */
export function runNode(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<SampleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`node ${args.join(" ")} did not finish within ${timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs one sample file from samples/. */
export function runSample(file: string, env: Record<string, string>, args: string[] = []): Promise<SampleRun> {
  return runNode(["--import", "tsx", join("samples", file), ...args], env);
}

/** Describes a run for assertion messages. */
export function describeRun(run: SampleRun): string {
  return `exit ${run.code}${run.signal ? ` (${run.signal})` : ""}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

/** Asserts a run succeeded, showing its output when it did not. */
export function expectSuccess(run: SampleRun): void {
  if (run.code !== 0) throw new Error(`The sample failed: ${describeRun(run)}`);
}
