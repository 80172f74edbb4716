/**
 * Request and response shapes shared by the engine, its handlers and its transports.
 */
import type { ApiVersion } from "../generated/apiVersions.js";
import type { TokenClaims } from "./tokens.js";

/** A request as the engine sees it, whatever transport carried it. */
export interface EmulatorRequest {
  method: string;
  /** Path and query, still percent-encoded, e.g. `/subscriptions/x?api-version=...`. */
  url: string;
  /** Header names lowercased. */
  headers: Record<string, string>;
  body: Buffer;
  /** Scheme, host and port the client used (for `nextLink`s), e.g. `https://127.0.0.1:8443`. */
  origin: string;
}

/** A response from the engine. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  /** Drop the connection instead of answering (an injected fault). */
  reset?: boolean;
}

/** What a handler gets: the parsed request plus the authenticated caller. */
export interface HandlerContext {
  method: string;
  /** Raw (encoded) path, used to build nextLinks. */
  rawPath: string;
  /** Decoded path segments. */
  segments: string[];
  query: URLSearchParams;
  body: Buffer;
  origin: string;
  /** The api-version of the request (only for Microsoft.ManagedIdentity operations). */
  version: ApiVersion;
  /** Path parameters of the matched route, decoded. */
  params: Readonly<Record<string, string>>;
  caller: TokenClaims;
}

/** A handler's successful result; failures are thrown as ArmError. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
