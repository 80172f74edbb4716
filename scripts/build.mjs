#!/usr/bin/env node
// Builds dist/esm (ES modules) and dist/cjs (CommonJS) with declarations, from the same sources.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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
  writeVersionEntries(join(root, build.out), build.type);
}

/**
 * One flat entry file per API version (versions/<version>.js and .d.ts), which the "./20*" export
 * pattern points at: a deep path such as "arm-managed-identity/2018-11-30/models" then maps to a
 * file that does not exist instead of reaching into the generated folder.
 */
function writeVersionEntries(out, type) {
  const versions = readdirSync(join(out, "generated"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{4}-\d{2}-\d{2}/.test(entry.name))
    .map((entry) => entry.name);
  mkdirSync(join(out, "versions"), { recursive: true });
  for (const version of versions) {
    const target = `../generated/${version}/index.js`;
    const js = type === "module" ? `export * from "${target}";\n` : `"use strict";\nmodule.exports = require("${target}");\n`;
    writeFileSync(join(out, "versions", `${version}.js`), js);
    writeFileSync(join(out, "versions", `${version}.d.ts`), `export * from "${target}";\n`);
  }
}
