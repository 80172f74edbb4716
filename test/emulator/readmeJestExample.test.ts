/**
 * The README's "In your own jest tests" example is meant to be copied as is: this runs it, taken
 * verbatim from README.md, as a test file of its own in a separate jest process with this
 * repository's jest configuration (which maps the package names to the sources).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "readme-jest-example-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The first TypeScript block of a README section. */
function exampleOf(readme: string, heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  expect(at).toBeGreaterThanOrEqual(0);
  const block = /```ts\n([\s\S]*?)\n```/.exec(readme.slice(at));
  expect(block).not.toBeNull();
  return block![1]!;
}

it("the README's jest example passes as written", async () => {
  const example = exampleOf(readFileSync(join(root, "README.md"), "utf8"), "### In your own jest tests");
  expect(example).toContain("startEmulator");
  const file = join(dir, "example.test.ts");
  writeFileSync(file, example + "\n");
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(root, "node_modules", "jest", "bin", "jest.js"), "--config", join(root, "jest.config.js"), "--rootDir", root, "--roots", dir, "--ci", "--json", file],
      { cwd: root, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
      (error, out, err) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout: out, stderr: err }),
    );
  });
  // `--json` prints the results on stdout; stderr has the readable report, shown on failure.
  const report = JSON.parse(stdout) as { numTotalTests: number; numPassedTests: number };
  expect({ code, total: report.numTotalTests, passed: report.numPassedTests, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, total: report.numPassedTests, passed: report.numPassedTests, stderr: "" });
  expect(report.numTotalTests).toBeGreaterThan(0);
}, 120_000);
