#!/usr/bin/env node
// Builds dist/esm (ES modules) and dist/cjs (CommonJS) with declarations, from the same sources.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const builds = [
  { out: "dist/esm", type: "module", args: ["--module", "esnext", "--moduleResolution", "bundler"] },
  { out: "dist/cjs", type: "commonjs", args: ["--module", "commonjs", "--moduleResolution", "node10"] },
];

rmSync(join(root, "dist"), { recursive: true, force: true });
for (const build of builds) {
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", build.out, ...build.args], {
    cwd: root,
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  mkdirSync(join(root, build.out), { recursive: true });
  // Tells Node which module system the files in this folder use, whatever the root package says.
  writeFileSync(join(root, build.out, "package.json"), JSON.stringify({ type: build.type }) + "\n");
}
