/**
 * Helpers for the emulator tests: raw requests in-process (straight to the engine) and over HTTPS.
 */
import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import type { InProcessEmulator } from "arm-managed-identity/emulator";

/** A parsed response. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Sends a request straight to an in-process engine; authorization defaults to the test principal. */
export async function call(
  emu: InProcessEmulator,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const allHeaders: Record<string, string> = { authorization: `Bearer ${emu.control.getToken()}`, ...headers };
  for (const [k, v] of Object.entries(allHeaders)) if (v === "") delete allHeaders[k];
  const buffer = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  const res = await emu.engine.handleArm({ method, url, headers: allHeaders, body: buffer, origin: emu.endpoint });
  return { status: res.status, headers: res.headers, text: res.body ?? "", json: parse(res.body ?? "") };
}

/** Sends a request over the network (https with the given CA, or plain http). */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const fn = u.protocol === "https:" ? httpsRequest : httpRequest;
    const req = fn(
      u,
      {
        method: options.method ?? "GET",
        headers: { ...(options.body !== undefined ? { "content-length": String(Buffer.byteLength(options.body)) } : {}), ...options.headers },
        ...(options.ca ? { ca: options.ca } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
          resolve({ status: res.statusCode ?? 0, headers, text, json: parse(text) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Path of an identity. */
export function identityPath(sub: string, rg: string, name: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

/** Path of a federated credential. */
export function ficPath(sub: string, rg: string, identity: string, name: string): string {
  return `${identityPath(sub, rg, identity)}/federatedIdentityCredentials/${name}`;
}

/** A valid federated credential body. */
export function ficBody(subject: string, issuer = "https://token.actions.githubusercontent.com"): unknown {
  return { properties: { issuer, subject, audiences: ["api://AzureADTokenExchange"] } };
}
