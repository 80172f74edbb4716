/**
 * The README shows what exists: its snippets are the marked regions of samples that are
 * type-checked and run by the other tests here, and the scripts and files it names exist.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./runSample";

const readme = readFileSync(join(root, "README.md"), "utf8");

/** The `// #region snippet` … `// #endregion` blocks of a file, each dedented, joined by a blank line. */
function regions(file: string): string {
  const text = readFileSync(join(root, file), "utf8");
  const blocks = [...text.matchAll(/^[ \t]*\/\/ #region snippet\n([\s\S]*?)^[ \t]*\/\/ #endregion\n/gm)].map((m) => m[1]!);
  return blocks
    .map((block) => {
      const lines = block.split("\n");
      const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length));
      return lines.map((l) => l.slice(indent)).join("\n");
    })
    .join("\n")
    .replace(/\n+$/, "");
}

const snippets = [...readme.matchAll(/<!-- snippet: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)].map((m) => ({ file: m[1]!, code: m[2]! }));

it("shows the quickstart and the federated credential snippet", () => {
  expect(snippets.map((s) => s.file)).toEqual(["samples/quickstart.ts", "samples/federatedCredentials.ts"]);
});

it.each(snippets.map((s) => [s.file, s.code]))("the snippet of %s is the sample's marked code", (file, code) => {
  expect(code).toBe(regions(file));
});

it("names only npm scripts that exist", () => {
  const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const named = [...new Set([...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!))];
  expect(named).toEqual(expect.arrayContaining(["demo", "sample:quickstart", "sample:federated-credentials"]));
  expect(named.filter((name) => !(name in scripts))).toEqual([]);
});

it("links only files that exist", () => {
  const links = [...readme.matchAll(/\]\(((?:samples|swagger|src|test|scripts)\/[^)#]+)\)/g)].map((m) => m[1]!);
  expect(links.length).toBeGreaterThan(5);
  expect(links.filter((link) => !existsSync(join(root, link)))).toEqual([]);
});
