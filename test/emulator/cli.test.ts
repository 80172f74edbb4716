/**
 * The `arm-managed-identity emulator` command in its default text mode: the `export` lines it
 * prints, pasted into a shell as a user would, are all a program needs to sign in with
 * ManagedIdentityCredential and manage identities over HTTPS; Ctrl+C (SIGINT) stops it cleanly.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { send } from "./helpers.js";

const root = join(__dirname, "..", "..");
let cli: ChildProcess | undefined;

afterAll(() => {
  if (cli && cli.exitCode === null && cli.signalCode === null) cli.kill("SIGKILL");
});

/** Starts the command and resolves with what it printed once the environment block is complete. */
function startCli(): Promise<{ child: ChildProcess; stderr: () => string; printed: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/emulator/cli.ts"), "emulator", "--page-size", "2", "--fic-write-window-ms", "0"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      // The block ends with an empty line after the last export.
      if (/export AZURE_SUBSCRIPTION_ID=\S+\n\n/.test(out)) resolve({ child, stderr: () => err, printed: out });
    });
    child.on("exit", (code) => reject(new Error(`the command exited (${code}) before printing its environment:\n${out}\n${err}`)));
  });
}

it("prints the endpoint and export lines that a pasted shell session uses as is; SIGINT stops it", async () => {
  const started = await startCli();
  cli = started.child;
  const endpoint = /^ARM endpoint: (https:\/\/127\.0\.0\.1:\d+)$/m.exec(started.printed)?.[1];
  expect(endpoint).toBeDefined();
  const exports = started.printed.split("\n").filter((l) => l.startsWith("export "));
  const names = exports.map((l) => l.slice("export ".length).split("=")[0]);
  expect(names).toEqual(expect.arrayContaining(["NODE_EXTRA_CA_CERTS", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "AZURE_POD_IDENTITY_AUTHORITY_HOST", "AZURE_SUBSCRIPTION_ID"]));
  const value = (name: string): string => exports.find((l) => l.startsWith(`export ${name}=`))!.slice(`export ${name}=`.length);

  // Set up a resource group through the control API, trusting the printed CA file.
  const seeded = await send(`${endpoint}/_emulator/seed`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ resourceGroups: [{ name: "rg-cli" }] }),
    ca: readFileSync(value("NODE_EXTRA_CA_CERTS"), "utf8"),
  });
  expect(seeded.status).toBe(200);

  // A shell that runs the printed lines verbatim, then a program that knows nothing else.
  const script = [...exports, `exec "${process.execPath}" --import tsx test/emulator/fixtures/multiVersionClient.ts`].join("\n");
  const env: Record<string, string> = { EMULATOR_ENDPOINT: endpoint!, EMULATOR_RESOURCE_GROUP: "rg-cli", EMULATOR_VERSIONS: "2024-11-30", EMULATOR_IDENTITY_COUNT: "5" };
  for (const name of ["PATH", "HOME", "TMPDIR"]) if (process.env[name]) env[name] = process.env[name]!;
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile("/bin/sh", ["-c", script], { cwd: root, env, timeout: 90_000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${out}\n${err}`)) : resolve(out)));
  });
  const result = JSON.parse(stdout.trim().split("\n").pop()!);
  expect(result.fatal).toBeUndefined();
  const report = result.reports[0];
  expect(report.createStatuses).toEqual([201, 201, 201, 201, 201, 200]);
  // Five identities at the printed --page-size of 2: three server pages.
  expect(report.groupPages).toBe(3);
  expect(report.groupNames).toHaveLength(5);
  expect(report.fic.listNames).toEqual(["cred-0", "cred-1", "cred-2", "cred-3", "cred-4"]);
  expect(report.deletedReadError).toEqual({ name: "ResourceNotFoundError", statusCode: 404 });

  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => cli!.on("exit", (code, signal) => resolve({ code, signal })));
  cli.kill("SIGINT");
  expect(await exited).toEqual({ code: 0, signal: null });
  expect(started.stderr()).toContain("Received SIGINT, stopping.");
}, 120_000);
