/**
 * Starts the emulator: the HTTPS ARM endpoint (with control routes) and the plain-http
 * managed-identity token endpoints, both on 127.0.0.1 by default, over one engine.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { caCertificatePath, loadOrCreateCertificates } from "./certificates.js";
import type { EmulatorRequest, EmulatorResponse } from "./context.js";
import type { EmulatorControl } from "./control.js";
import { EmulatorEngine, type EngineOptions } from "./engine.js";
import { ArmError } from "./errors.js";
import { createEmulatorHttpClient } from "./httpClient.js";
import { APP_SERVICE_PATH } from "./tokenEndpoints.js";
import { MAX_BODY_BYTES } from "./validation.js";

/** Options of {@link startEmulator}. */
export interface StartEmulatorOptions extends EngineOptions {
  /** Port of the HTTPS ARM endpoint; 0 (default) picks a free one. */
  port?: number;
  /** Port of the http token endpoints; 0 (default) picks a free one. */
  tokenPort?: number;
  /** Address to bind. Default 127.0.0.1. */
  host?: string;
}

/** Token endpoint URLs for the environment of a process using `ManagedIdentityCredential`. */
export interface TokenEndpoints {
  /** `IDENTITY_ENDPOINT` (App Service protocol; pair it with `IDENTITY_HEADER`). */
  appService: string;
  /** `AZURE_POD_IDENTITY_AUTHORITY_HOST` (IMDS protocol). */
  imds: string;
}

/** A running emulator. */
export interface RunningEmulator {
  /** HTTPS ARM endpoint, e.g. `https://127.0.0.1:8443`: pass it as a client's `endpoint`. */
  endpoint: string;
  tokenEndpoints: TokenEndpoints;
  /** Secret for `IDENTITY_HEADER`. */
  identityHeader: string;
  /** The subscription that exists from the start. */
  subscriptionId: string;
  tenantId: string;
  /** CA certificate (PEM) to trust: `tlsOptions: { ca: emu.caCertificate }`. */
  caCertificate: string;
  /** A file holding the CA certificate, for `NODE_EXTRA_CA_CERTS`. */
  caCertificatePath: string;
  /** Environment a child process needs to use the emulator through @azure/identity. */
  env: Record<string, string>;
  /** A TokenCredential accepted by the ARM endpoint. */
  credential: TokenCredential;
  /** Run-time control (seeding, faults, throttling, reset). */
  control: EmulatorControl;
  /** In-process transport over the same engine (no sockets). */
  httpClient: HttpClient;
  /** The engine itself. */
  engine: EmulatorEngine;
  /** Stops both servers and closes the journal. */
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer | "tooLarge" | "aborted"> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > MAX_BODY_BYTES;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      // Keep draining so the client can read the 413, but stop holding oversized bodies.
      if (!tooLarge) chunks.push(chunk);
      else if (size > 16 * MAX_BODY_BYTES) req.destroy();
    });
    req.on("end", () => resolve(tooLarge ? "tooLarge" : Buffer.concat(chunks)));
    req.on("error", reject);
    // A client that goes away mid-body gets no answer; nothing is applied for it.
    req.on("close", () => {
      if (!req.complete) resolve("aborted");
    });
  });
}

function toEmulatorRequest(req: IncomingMessage, body: Buffer, fallbackOrigin: string, scheme: string): EmulatorRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  const host = headers["host"];
  const origin = host && /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? `${scheme}://${host}` : fallbackOrigin;
  return { method: req.method ?? "GET", url: req.url ?? "/", headers, body, origin };
}

function send(res: ServerResponse, response: EmulatorResponse): void {
  if (response.reset) {
    res.socket?.destroy();
    return;
  }
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Starts an emulator. Certificates are created on first start (and kept in `dataDir` if given);
 * state is durable in `dataDir`, in memory otherwise.
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const certificates = await loadOrCreateCertificates(options.dataDir);
  const engine = new EmulatorEngine(options);
  let endpoint = "";

  const armServer = createHttpsServer({ key: certificates.key, cert: `${certificates.certificate.trimEnd()}\n${certificates.caCertificate.trimEnd()}\n` }, (req, res) => {
    readBody(req)
      .then(async (body) => {
        if (body === "aborted") return;
        if (body === "tooLarge") {
          const error = new ArmError(413, "RequestEntityTooLarge", `The request content exceeds the maximum of ${MAX_BODY_BYTES} bytes (4 MB).`);
          send(res, { status: 413, headers: { "content-type": "application/json; charset=utf-8", connection: "close" }, body: JSON.stringify(error.toBody()) });
          return;
        }
        send(res, await engine.handleArm(toEmulatorRequest(req, body, endpoint, "https")));
      })
      .catch(() => res.socket?.destroy());
  });
  armServer.on("clientError", (err, socket) => {
    // Unparseable HTTP still gets an ARM error envelope rather than a bare 400.
    const body = JSON.stringify(new ArmError(400, "BadRequest", `The request could not be parsed as HTTP: ${(err as Error).message}.`).toBody());
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    else socket.destroy();
  });
  const tokenServer = createHttpServer((req, res) => {
    readBody(req)
      .then((body) => {
        if (body !== "aborted") send(res, engine.handleToken(toEmulatorRequest(req, Buffer.isBuffer(body) ? body : Buffer.alloc(0), "", "http")));
      })
      .catch(() => res.socket?.destroy());
  });
  try {
    const armPort = await listen(armServer, options.port ?? 0, host);
    const tokenPort = await listen(tokenServer, options.tokenPort ?? 0, host);
    endpoint = `https://${urlHost(host)}:${armPort}`;
    for (const name of [urlHost(host), "localhost", "127.0.0.1", "[::1]"]) engine.ownAudiences.add(`https://${name}:${armPort}`);
    const tokenBase = `http://${urlHost(host)}:${tokenPort}`;

    let tempDir: string | undefined;
    let caPath: string;
    if (options.dataDir) {
      // Absolute, so the NODE_EXTRA_CA_CERTS line works from any working directory.
      caPath = resolve(caCertificatePath(options.dataDir));
    } else {
      tempDir = mkdtempSync(join(tmpdir(), "arm-managed-identity-emulator-"));
      caPath = join(tempDir, "ca.pem");
      writeFileSync(caPath, certificates.caCertificate);
    }
    const meta = engine.store.meta;
    const tokenEndpoints = { appService: `${tokenBase}${APP_SERVICE_PATH}`, imds: tokenBase };
    let stopped: Promise<void> | undefined;
    return {
      endpoint,
      tokenEndpoints,
      identityHeader: meta.identityHeader,
      subscriptionId: meta.defaultSubscriptionId,
      tenantId: meta.tenantId,
      caCertificate: certificates.caCertificate,
      caCertificatePath: caPath,
      env: {
        NODE_EXTRA_CA_CERTS: caPath,
        IDENTITY_ENDPOINT: tokenEndpoints.appService,
        IDENTITY_HEADER: meta.identityHeader,
        AZURE_POD_IDENTITY_AUTHORITY_HOST: tokenEndpoints.imds,
        AZURE_SUBSCRIPTION_ID: meta.defaultSubscriptionId,
      },
      credential: engine.credential,
      control: engine.control,
      httpClient: createEmulatorHttpClient(engine),
      engine,
      stop: () =>
        (stopped ??= (async () => {
          await Promise.all([armServer, tokenServer].map((s) => new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          })));
          engine.close();
          if (tempDir) rmSync(tempDir, { recursive: true, force: true });
        })()),
    };
  } catch (e) {
    armServer.close();
    tokenServer.close();
    engine.close();
    throw e;
  }
}

/** An emulator without sockets or certificates: use `httpClient` as a client's `options.httpClient`. */
export interface InProcessEmulator {
  /** Any https origin works in-process; this one is conventional. */
  endpoint: string;
  subscriptionId: string;
  tenantId: string;
  credential: TokenCredential;
  control: EmulatorControl;
  httpClient: HttpClient;
  engine: EmulatorEngine;
  /** Closes the journal (when `dataDir` was given). */
  close(): void;
}

/** Creates an in-process emulator (fast unit tests: no TLS, no ports). */
export function createEmulator(options: EngineOptions = {}): InProcessEmulator {
  const engine = new EmulatorEngine(options);
  return {
    endpoint: "https://management.emulator.local",
    subscriptionId: engine.store.meta.defaultSubscriptionId,
    tenantId: engine.store.meta.tenantId,
    credential: engine.credential,
    control: engine.control,
    httpClient: createEmulatorHttpClient(engine),
    engine,
    close: () => engine.close(),
  };
}
