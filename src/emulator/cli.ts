#!/usr/bin/env node
/**
 * Command line: `arm-managed-identity emulator [options]` starts the emulator, prints its endpoint
 * and the environment lines @azure/identity needs, and stops cleanly on SIGINT/SIGTERM.
 */
import { startEmulator, type StartEmulatorOptions } from "./server.js";

const USAGE = `Usage: arm-managed-identity emulator [options]

Options:
  --port <n>                 HTTPS ARM port (default 0: a free port)
  --token-port <n>           http token-endpoint port (default 0: a free port)
  --host <address>           address to bind (default 127.0.0.1)
  --data-dir <path>          keep state and certificates there (default: in memory)
  --page-size <n>            items per list page (default 100)
  --fic-write-window-ms <n>  how long a federated credential write holds its identity (default 100)
  --host-resource-id <id>    resource id of the emulated host (its system-assigned identity
                             answers token requests without a client id; first start only)
  --throttle                 apply the documented per-second limits
  --fault-rate <0..1>        share of ARM requests that get an injected fault
  --fault-seed <n>           seed of the fault generator (default 1)
  --json                     print the endpoints as one JSON line
  --help                     show this text`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function integer(name: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    fail(`Option ${name} needs an integer from ${min} to ${max}, got '${value ?? ""}'.`);
  }
  return Number(value);
}

function parseArgs(argv: string[]): { options: StartEmulatorOptions; json: boolean } {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h") {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (command !== "emulator") fail(`Unknown command '${command ?? ""}'; the only command is 'emulator'.`);
  const options: StartEmulatorOptions = {};
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? rest[++i];
    switch (flag) {
      case "--port":
        options.port = integer(flag, value(), 0, 65535);
        break;
      case "--token-port":
        options.tokenPort = integer(flag, value(), 0, 65535);
        break;
      case "--host": {
        const v = value();
        if (!v) fail("Option --host needs an address.");
        options.host = v;
        break;
      }
      case "--data-dir": {
        const v = value();
        if (!v) fail("Option --data-dir needs a path.");
        options.dataDir = v;
        break;
      }
      case "--page-size":
        options.pageSize = integer(flag, value(), 1, 1000);
        break;
      case "--fic-write-window-ms":
        options.ficWriteWindowMs = integer(flag, value(), 0, 600000);
        break;
      case "--host-resource-id": {
        const v = value();
        if (!v || !v.startsWith("/subscriptions/")) fail(`Option --host-resource-id needs a resource id starting with /subscriptions/, got '${v ?? ""}'.`);
        options.hostResourceId = v;
        break;
      }
      case "--throttle":
        options.throttle = true;
        break;
      case "--fault-rate": {
        const v = value();
        const rate = Number(v);
        if (v === undefined || !Number.isFinite(rate) || rate < 0 || rate > 1) fail(`Option --fault-rate needs a number from 0 to 1, got '${v ?? ""}'.`);
        options.faults = { ...options.faults, rate };
        break;
      }
      case "--fault-seed":
        options.faults = { ...options.faults, seed: integer(flag, value(), 0, 2 ** 31) };
        break;
      case "--json":
        json = true;
        break;
      case "--help":
      case "-h":
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      // falls through (exit never returns)
      default:
        fail(`Unknown option '${arg}'.`);
    }
  }
  return { options, json };
}

async function main(): Promise<void> {
  const { options, json } = parseArgs(process.argv.slice(2));
  const emu = await startEmulator(options);
  if (json) {
    process.stdout.write(`${JSON.stringify({ endpoint: emu.endpoint, tokenEndpoints: emu.tokenEndpoints, subscriptionId: emu.subscriptionId, tenantId: emu.tenantId, env: emu.env })}\n`);
  } else {
    const lines = [
      `ARM endpoint: ${emu.endpoint}`,
      `Subscription: ${emu.subscriptionId}`,
      `Control API:  ${emu.endpoint}/_emulator/`,
      `Data:         ${options.dataDir ?? "in memory"}`,
      "",
      "Environment for @azure/identity and Node (set before starting your process):",
      ...Object.entries(emu.env).map(([k, v]) => `export ${k}=${v}`),
      "",
    ];
    process.stdout.write(lines.join("\n") + "\n");
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`Received ${signal}, stopping.\n`);
    emu.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((e: unknown) => {
  process.stderr.write(`The emulator could not start: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
