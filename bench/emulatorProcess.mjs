/**
 * Starts and stops the benchmark emulator in a child process and drives it through its HTTP
 * control API (`/_emulator/...`): seeding, throttling, settings, tokens.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Agent, fetch } from "undici";

const emulatorScript = fileURLToPath(new URL("./emulator.mjs", import.meta.url));

/** Identities per seed request: keeps each body well under the emulator's 4 MB limit. */
const SEED_CHUNK = 10_000;

/**
 * Forks the emulator with `options` (StartEmulatorOptions) and Node flags `execArgv` (for
 * example `--cpu-prof`), and returns
 * { env: { endpoint, caCertificate, subscriptionId, token }, pid, control(method, path, body), seedIdentities, stop }.
 */
export async function startEmulatorProcess(options = {}, execArgv = []) {
  const child = fork(emulatorScript, [JSON.stringify(options)], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const info = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`The emulator process exited with code ${code} before it was ready.`)));
  });
  if (!info.endpoint.startsWith("https://127.0.0.1:")) throw new Error(`The emulator must listen on 127.0.0.1, got ${info.endpoint}.`);
  const dispatcher = new Agent({ connect: { ca: info.caCertificate } });
  async function control(method, path, body) {
    const response = await fetch(`${info.endpoint}/_emulator/${path}`, {
      method,
      dispatcher,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Emulator control ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return text;
  }
  const token = JSON.parse(await control("POST", "token", { scope: `${info.endpoint}/.default` })).access_token;
  return {
    pid: child.pid,
    env: { endpoint: info.endpoint, caCertificate: info.caCertificate, subscriptionId: info.subscriptionId, token },
    control,
    /** Creates resource group `rg` (in the default subscription) through the control API. */
    seedResourceGroup: (rg) => control("POST", "seed", { resourceGroups: [{ name: rg }] }),
    /** Seeds `count` identities named `${prefix}-<n>` in resource group `rg` through the control API. */
    async seedIdentities(rg, prefix, count) {
      for (let start = 0; start < count; start += SEED_CHUNK) {
        const identities = [];
        for (let i = start; i < Math.min(count, start + SEED_CHUNK); i++) identities.push({ resourceGroup: rg, name: `${prefix}-${i}` });
        await control("POST", "seed", { identities });
      }
    },
    async stop() {
      await dispatcher.close();
      // An emulator that already died would never send "exit" again, and send() would throw.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send("stop");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
