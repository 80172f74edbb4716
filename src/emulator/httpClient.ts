/**
 * An in-process transport: an `HttpClient` for `options.httpClient` of any core-client based client
 * that hands requests straight to the engine, without sockets or TLS.
 */
import { createHttpHeaders, RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { createAbortError, raceAbort } from "../customizations/abort.js";
import type { EmulatorEngine } from "./engine.js";
import { isTokenPath } from "./tokenEndpoints.js";

async function bodyBuffer(request: PipelineRequest): Promise<Buffer> {
  const body = request.body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof (body as Blob).arrayBuffer === "function") return Buffer.from(await (body as Blob).arrayBuffer());
  if (typeof body === "function") return bodyBuffer({ ...request, body: (body as () => never)() });
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Creates an HttpClient that serves every request from `engine` (ARM and token endpoints). */
export function createEmulatorHttpClient(engine: EmulatorEngine): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      if (request.abortSignal?.aborted) throw createAbortError();
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
      const emuRequest = { method: request.method, url: url.pathname + url.search, headers, body: await bodyBuffer(request), origin: url.origin };
      const handled = isTokenPath(url.pathname) ? Promise.resolve(engine.handleToken(emuRequest)) : engine.handleArm(emuRequest);
      // Injected latency can be cut short by the caller's signal, as a socket's wait would be.
      const response = await raceAbort(handled, request.abortSignal);
      if (response.reset) throw new RestError("socket hang up", { code: "ECONNRESET", request });
      if (request.abortSignal?.aborted) throw createAbortError();
      return { request, status: response.status, headers: createHttpHeaders(response.headers), bodyAsText: response.body ?? "" };
    },
  };
}
