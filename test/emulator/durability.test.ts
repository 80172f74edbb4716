/**
 * Durability with a data directory: the emulator runs as a child process (the CLI), gets a burst
 * of writes, is SIGKILLed mid-burst and restarted on the same folder. Every write acknowledged
 * with 2xx must be there, and the store must answer normally. Also: a torn journal line is
 * dropped on load, SIGTERM stops the CLI cleanly, a folder is held by one emulator at a time, and
 * stored certificates are reused unless broken.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmulator } from "arm-managed-identity/emulator";
import { send } from "./helpers.js";

const root = join(__dirname, "..", "..");
const children: ChildProcess[] = [];
const dirs: string[] = [];

interface Started {
  child: ChildProcess;
  info: { endpoint: string; subscriptionId: string; env: Record<string, string> };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/emulator/cli.ts"), "emulator", "--data-dir", dataDir, "--json", "--fic-write-window-ms", "0"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line && out.includes("\n")) resolve({ child, info: JSON.parse(line), exited });
    });
    child.on("exit", (code) => reject(new Error(`emulator exited early (${code}): ${err}`)));
  });
}

async function tokenFor(started: Started): Promise<string> {
  const r = await send(`${started.info.env["IDENTITY_ENDPOINT"]}?api-version=2019-08-01&resource=https://management.azure.com`, {
    headers: { "X-IDENTITY-HEADER": started.info.env["IDENTITY_HEADER"]! },
  });
  return r.json.access_token;
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it("keeps every acknowledged create, delete and credential write across a SIGKILL mid-burst", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "emu-durability-"));
  dirs.push(dataDir);
  const first = await startCli(dataDir);
  const ca = readFileSync(first.info.env["NODE_EXTRA_CA_CERTS"]!, "utf8");
  const token = await tokenFor(first);
  const sub = first.info.subscriptionId;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const base = `${first.info.endpoint}/subscriptions/${sub}/resourceGroups/rg-burst`;
  expect((await send(`${base}?api-version=2021-04-01`, { method: "PUT", headers, body: JSON.stringify({ location: "westus" }), ca })).status).toBe(201);

  const acknowledged: string[] = [];
  const deleted: string[] = [];
  const deleteAttempted = new Set<string>();
  const credentials: string[] = [];
  let killed = false;
  let sent = 0;
  const identityUrl = (name: string): string => `${base}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=2023-01-31`;
  const attempt = async (url: string, method: string, body?: unknown): Promise<number> => {
    sent++;
    try {
      return (await send(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), ca })).status;
    } catch {
      // The connection died with the process: not acknowledged.
      return 0;
    }
  };
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; !killed && i < 200; i++) {
      const name = `burst-${w}-${i}`;
      if ((await attempt(identityUrl(name), "PUT", { location: "westus", tags: { n: String(i) } })) === 201) acknowledged.push(name);
      if (i % 5 === 4) {
        const victim = `burst-${w}-${i - 2}`;
        // A delete cut off by the kill may or may not have happened; only acknowledged ones are sure.
        deleteAttempted.add(victim);
        if ((await attempt(identityUrl(victim), "DELETE")) === 200) deleted.push(victim);
      }
      if (i % 7 === 3) {
        const ficUrl = identityUrl(name).replace("?", `/federatedIdentityCredentials/cred-${w}-${i}?`);
        const status = await attempt(ficUrl, "PUT", { properties: { issuer: "https://issuer.example", subject: `s-${w}-${i}`, audiences: ["api://AzureADTokenExchange"] } });
        if (status === 201) credentials.push(`${name}/cred-${w}-${i}`);
      }
      if (acknowledged.length >= 150 && !killed) {
        killed = true;
        first.child.kill("SIGKILL");
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
  const exit = await first.exited;
  expect(exit.signal).toBe("SIGKILL");
  expect(acknowledged.length).toBeGreaterThanOrEqual(150);
  expect(deleted.length).toBeGreaterThan(0);
  expect(credentials.length).toBeGreaterThan(0);
  // The kill happened while requests were still in flight.
  expect(sent).toBeGreaterThan(acknowledged.length + deleted.length + credentials.length);

  const second = await startCli(dataDir);
  const token2 = await tokenFor(second);
  const ca2 = readFileSync(second.info.env["NODE_EXTRA_CA_CERTS"]!, "utf8");
  expect(ca2).toBe(ca);
  expect(second.info.subscriptionId).toBe(sub);
  const names = new Set<string>();
  let url: string | undefined = `${second.info.endpoint}/subscriptions/${sub}/resourceGroups/rg-burst/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`;
  while (url) {
    const r = await send(url, { headers: { authorization: `Bearer ${token2}` }, ca: ca2 });
    expect(r.status).toBe(200);
    for (const i of r.json.value) names.add(i.name);
    url = r.json.nextLink;
  }
  const missing = acknowledged.filter((n) => !deleteAttempted.has(n) && !names.has(n));
  expect(missing).toEqual([]);
  expect(deleted.filter((n) => names.has(n))).toEqual([]);
  for (const entry of credentials.filter((c) => !deleteAttempted.has(c.split("/")[0]!))) {
    const [identity, cred] = entry.split("/");
    const r = await send(`${second.info.endpoint}/subscriptions/${sub}/resourceGroups/rg-burst/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}/federatedIdentityCredentials/${cred}?api-version=2023-01-31`, {
      headers: { authorization: `Bearer ${token2}` },
      ca: ca2,
    });
    expect(r.status).toBe(200);
  }
  // The restarted store accepts writes and reads as usual; a token from before the crash still works.
  const after = await send(identityUrl("after-restart").replace(first.info.endpoint, second.info.endpoint), {
    method: "PUT",
    headers: { ...headers, authorization: `Bearer ${token}` },
    body: JSON.stringify({ location: "westus" }),
    ca: ca2,
  });
  expect(after.status).toBe(201);
  second.child.kill("SIGTERM");
  const stopped = await second.exited;
  expect(stopped.code).toBe(0);
}, 60_000);

it("drops a torn last journal line on load and compacts", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "emu-torn-"));
  dirs.push(dataDir);
  const a = createEmulator({ dataDir });
  a.control.seed({ identities: [{ resourceGroup: "rg", name: "kept" }] });
  a.close();
  appendFileSync(join(dataDir, "journal.ndjson"), '[{"t":"put","c":"identities","k":"x","v":{"na');
  const b = createEmulator({ dataDir });
  const identities = Object.values(b.control.state().identities).map((i) => i.name);
  expect(identities).toEqual(["kept"]);
  expect(b.subscriptionId).toBe(a.subscriptionId);
  expect(readFileSync(join(dataDir, "journal.ndjson"), "utf8")).toBe("");
  b.close();
});

it("refuses a data directory another running emulator holds, and takes it over once released", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "emu-lock-"));
  dirs.push(dataDir);
  const holder = createEmulator({ dataDir });
  expect(() => createEmulator({ dataDir })).toThrow(/is in use by another emulator \(process \d+\)/);
  holder.close();
  const next = createEmulator({ dataDir });
  expect(next.subscriptionId).toBe(holder.subscriptionId);
  next.close();
});

it("reuses the certificates of a data directory and replaces a set left broken", async () => {
  const { loadOrCreateCertificates } = await import("arm-managed-identity/emulator");
  const dataDir = mkdtempSync(join(tmpdir(), "emu-certs-"));
  dirs.push(dataDir);
  const first = await loadOrCreateCertificates(dataDir);
  expect(await loadOrCreateCertificates(dataDir)).toEqual(first);
  // A key file cut short (as by a crash during the first start) makes a fresh, consistent set.
  writeFileSync(join(dataDir, "server-key.pem"), first.key.slice(0, 40));
  const replaced = await loadOrCreateCertificates(dataDir);
  expect(replaced.caCertificate).not.toBe(first.caCertificate);
  expect(await loadOrCreateCertificates(dataDir)).toEqual(replaced);
});
