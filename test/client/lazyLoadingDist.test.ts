/**
 * The same lazy-loading check against the built CommonJS package (as `require` users get it), in a
 * child process whose `require.cache` shows which generated modules were loaded. `npm install` /
 * `npm ci` build dist/ (the `prepare` script).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const entry = join(root, "dist", "cjs", "index.js");

const script = `
const { createHttpHeaders } = require("@azure/core-rest-pipeline");
const { ManagedServiceIdentityClient } = require(${JSON.stringify(entry)});
const loaded = () => [...new Set(Object.keys(require.cache)
  .filter((k) => /[\\\\/]generated[\\\\/]20/.test(k))
  .map((k) => k.split(/[\\\\/]generated[\\\\/]/)[1].split(/[\\\\/]/)[0]))];
const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600000 }) };
const httpClient = {
  sendRequest: async (request) => ({
    request, status: 200, headers: createHttpHeaders({ "content-type": "application/json" }),
    bodyAsText: JSON.stringify({ name: "id1", location: "westeurope" }),
  }),
};
(async () => {
  const client = new ManagedServiceIdentityClient(credential, "6a1b0d4e-3f0c-4c8e-9c43-0d3a7c2b1e55", { apiVersion: "2023-01-31", httpClient });
  const afterConstruction = loaded();
  const result = await client.userAssignedIdentities.get("rg", "id1");
  process.stdout.write(JSON.stringify({ afterConstruction, afterCall: loaded(), name: result.name }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

it("the built CommonJS package loads only the version in use, on first call", () => {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first.`);
  const out = execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8", timeout: 20_000 });
  expect(JSON.parse(out)).toEqual({ afterConstruction: [], afterCall: ["2023-01-31"], name: "id1" });
});
