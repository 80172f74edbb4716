/**
 * Runs a fixture program in its own node process and reads the one JSON line it prints last
 * (see fixtures/printResult.ts), so end-to-end tests see the package the way a user's process does.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";

/**
 * Runs `script` with tsx in an environment of only `env` plus PATH/HOME/TMPDIR (what node itself
 * needs), and resolves with the parsed last line of its output; rejects with its output otherwise.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function runJsonChild(script: string, env: Record<string, string>, timeoutMs: number): Promise<any> {
  const base: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "TMPDIR"]) if (process.env[name]) base[name] = process.env[name]!;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", script], { cwd: join(__dirname, "..", ".."), env: { ...base, ...env }, timeout: timeoutMs }, (error, stdout, stderr) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        const parsed = JSON.parse(line);
        if (parsed.fatal) reject(new Error(`${parsed.fatal}\n${stderr}`));
        else resolve(parsed);
      } catch {
        reject(new Error(`child failed: ${error?.message}\n${stdout}\n${stderr}`));
      }
    });
  });
}
