/**
 * The emulator engine: one request pipeline shared by the HTTPS server and the in-process
 * transport. Order: URL parsing → control routes → injected faults → authentication →
 * api-version → routing (from the version table) → throttling → handler → ARM headers.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createClientLogger } from "@azure/logger";
import { apiVersionList, type ApiVersion } from "../generated/apiVersions.js";
import { armHandlers, type ArmSettings } from "./arm.js";
import { authenticate } from "./auth.js";
import type { EmulatorRequest, EmulatorResponse, HandlerContext, HandlerResult } from "./context.js";
import { EmulatorControl, type SeedData } from "./control.js";
import { ArmError, quote } from "./errors.js";
import { FaultInjector, type FaultOptions } from "./faults.js";
import { FileJournal } from "./persistence.js";
import { handleResources, isResourcesPath, methodNotAllowed, requireGroup, requireSubscription } from "./resources.js";
import { matchPath, routes, type RouteSpec } from "./routes.js";
import { isApiVersion } from "./shapes.js";
import { emptyState, keyOf, Store, type StoreMeta, type StoreOp } from "./store.js";
import { Throttler, type ThrottleClass, type ThrottleOptions } from "./throttling.js";
import { VerifiedTokenCache } from "./tokenCache.js";
import { handleTokenRequest, issueToken } from "./tokenEndpoints.js";
import { resourceFromScope } from "./tokens.js";
import { isWellFormedApiVersion, MAX_BODY_BYTES } from "./validation.js";

/** Options of the engine (shared by `startEmulator` and `createEmulator`). */
export interface EngineOptions {
  /** Folder for durable state; without it the state lives in memory only. */
  dataDir?: string;
  /** Data to add on start. */
  seed?: SeedData;
  /** Random faults from the start. */
  faults?: FaultOptions;
  /** Throttling with the documented limits from the start (`true` for defaults). */
  throttle?: boolean | ThrottleOptions;
  /** How long a federated-credential write holds its identity (ms). Default 100. */
  ficWriteWindowMs?: number;
  /** Items per page of every list. Default 100. */
  pageSize?: number;
  /** Resource id of the emulated host (its system-assigned identity serves token requests without an id). */
  hostResourceId?: string;
}

/** Request log of the emulator (enable with `AZURE_LOG_LEVEL=verbose`). */
const logger = createClientLogger("arm-managed-identity-emulator");

/** Prefix of the control routes on the ARM endpoint. */
export const CONTROL_PREFIX = "/_emulator";

/** ARM's hourly subscription quotas, reported in `x-ms-ratelimit-remaining-subscription-*`. */
const HOURLY_READS = 12000;
const HOURLY_WRITES = 1200;

function newMeta(hostResourceId: string | undefined): StoreMeta {
  const defaultSubscriptionId = randomUUID();
  return {
    tenantId: randomUUID(),
    tokenSecret: randomBytes(32).toString("hex"),
    identityHeader: randomBytes(16).toString("hex"),
    defaultSubscriptionId,
    testPrincipal: { clientId: randomUUID(), objectId: randomUUID() },
    hostResourceId: hostResourceId ?? `/subscriptions/${defaultSubscriptionId}/resourceGroups/emulator-host/providers/Microsoft.Compute/virtualMachines/emulator-vm`,
  };
}

/** The request pipeline and state of one emulator. */
export class EmulatorEngine {
  /** The store (state + journal). */
  readonly store: Store;
  /** Run-time settings. */
  readonly settings: ArmSettings;
  /** Fault injection. */
  readonly faults: FaultInjector;
  /** Control API. */
  readonly control: EmulatorControl;
  /** A TokenCredential for the test principal. */
  readonly credential: TokenCredential;
  /** Audiences accepted besides the public ARM ones (the emulator's own endpoints). */
  readonly ownAudiences = new Set<string>();
  private throttler?: Throttler;
  private journal?: FileJournal;
  private verifiedTokens = new VerifiedTokenCache();
  private usage = new Map<string, { hour: number; reads: number; writes: number }>();

  constructor(options: EngineOptions = {}) {
    let created = false;
    const makeMeta = (): StoreMeta => {
      created = true;
      return newMeta(options.hostResourceId);
    };
    if (options.dataDir) {
      const opened = FileJournal.open(options.dataDir, makeMeta);
      this.journal = opened.journal;
      this.store = new Store(opened.state, opened.journal);
    } else {
      this.store = new Store(emptyState(makeMeta()));
    }
    this.settings = { pageSize: options.pageSize ?? 100, ficWriteWindowMs: options.ficWriteWindowMs ?? 100 };
    this.faults = new FaultInjector(options.faults);
    if (options.throttle) this.throttler = new Throttler(options.throttle === true ? {} : options.throttle);
    this.control = new EmulatorControl({
      store: this.store,
      settings: this.settings,
      faults: this.faults,
      setThrottling: (t) => {
        this.throttler = t ? new Throttler(t) : undefined;
      },
      defaults: () => this.defaultOps(),
      getToken: (scope) => this.testToken(scope).token,
    });
    if (created) this.store.commit(this.defaultOps());
    if (options.seed) this.control.seed(options.seed);
    this.credential = {
      getToken: async (scopes: string | string[]): Promise<AccessToken> => {
        const scope = Array.isArray(scopes) ? scopes[0] : scopes;
        return this.testToken(scope ?? "https://management.azure.com/.default");
      },
    };
  }

  /** Default subscription and the host's system-assigned identity. */
  private defaultOps(): StoreOp[] {
    const meta = this.store.meta;
    return [
      { t: "put", c: "subscriptions", k: keyOf(meta.defaultSubscriptionId), v: { subscriptionId: meta.defaultSubscriptionId, displayName: "Emulator Subscription", tenantId: meta.tenantId, state: "Enabled" } },
      {
        t: "put",
        c: "systemAssigned",
        k: keyOf(meta.hostResourceId),
        v: { scope: meta.hostResourceId, location: "westus", tags: {}, tenantId: meta.tenantId, principalId: randomUUID(), clientId: randomUUID() },
      },
    ];
  }

  private testToken(scope: string): AccessToken & { token: string } {
    const meta = this.store.meta;
    const { token, claims } = issueToken(this.store, { tenantId: meta.tenantId, principalId: meta.testPrincipal.objectId, clientId: meta.testPrincipal.clientId }, resourceFromScope(scope));
    return { token, expiresOnTimestamp: claims.exp * 1000 };
  }

  /** Serves a token-endpoint request (App Service or IMDS protocol). */
  handleToken(req: EmulatorRequest): EmulatorResponse {
    try {
      return handleTokenRequest(this.store, req);
    } catch (e) {
      return { status: 400, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: "invalid_request", error_description: (e as Error).message }) };
    }
  }

  /** Serves an ARM (or control) request; never throws. */
  async handleArm(req: EmulatorRequest): Promise<EmulatorResponse> {
    const headers: Record<string, string> = {
      "x-ms-request-id": randomUUID(),
      "x-ms-correlation-request-id": req.headers["x-ms-correlation-request-id"] || randomUUID(),
      "x-ms-routing-request-id": `LOCAL:${new Date().toISOString().replace(/[-:.]/g, "")}:${randomUUID()}`,
      "cache-control": "no-cache",
    };
    if ((req.headers["x-ms-return-client-request-id"] ?? "").toLowerCase() === "true" && req.headers["x-ms-client-request-id"]) {
      headers["x-ms-client-request-id"] = req.headers["x-ms-client-request-id"];
    }
    const response = await this.respond(req, headers);
    logger.verbose(`${req.method} ${req.url.split("?")[0]} -> ${response.reset ? "connection reset" : response.status} (${headers["x-ms-request-id"]})`);
    return response;
  }

  private async respond(req: EmulatorRequest, headers: Record<string, string>): Promise<EmulatorResponse> {
    try {
      const result = await this.dispatch(req, headers);
      if ("reset" in result) return { status: 0, headers, reset: true };
      Object.assign(headers, result.headers ?? {});
      if (result.body === undefined) return { status: result.status, headers: { ...headers, "content-length": "0" } };
      return { status: result.status, headers: { ...headers, "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(result.body) };
    } catch (e) {
      const error =
        e instanceof ArmError ? e : new ArmError(500, "InternalServerError", `The emulator failed unexpectedly: ${quote((e as Error)?.message ?? e)}.`);
      return { status: error.status, headers: { ...headers, ...error.headers, "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(error.toBody()) };
    }
  }

  private async dispatch(req: EmulatorRequest, headers: Record<string, string>): Promise<HandlerResult | { reset: true }> {
    if (req.body.length > MAX_BODY_BYTES) {
      throw new ArmError(413, "RequestEntityTooLarge", `The request content size ${req.body.length} exceeds the maximum of ${MAX_BODY_BYTES} bytes (4 MB).`);
    }
    const queryAt = req.url.indexOf("?");
    const rawPath = queryAt >= 0 ? req.url.slice(0, queryAt) : req.url;
    const query = new URLSearchParams(queryAt >= 0 ? req.url.slice(queryAt + 1) : "");
    const segments = decodeSegments(rawPath);
    const method = req.method.toUpperCase();

    if (rawPath === CONTROL_PREFIX || rawPath.startsWith(CONTROL_PREFIX + "/")) {
      return this.control.handleHttp(req, rawPath, query);
    }

    const fault = this.faults.decide(rawPath);
    if (fault) {
      // Unref'd: a held request must not keep a process alive on its own (servers keep themselves alive).
      if (fault.kind === "latency") await new Promise((r) => setTimeout(r, fault.latencyMs).unref());
      else if (fault.kind === "reset") return { reset: true };
      else if (fault.kind === "429") throw new ArmError(429, "TooManyRequests", "The request is being throttled (injected fault).", { headers: { "retry-after": String(fault.retryAfterSeconds) } });
      else if (fault.kind === "503") throw new ArmError(503, "ServiceUnavailable", "The service is temporarily unavailable (injected fault).", { headers: { "retry-after": String(fault.retryAfterSeconds) } });
      else throw new ArmError(500, "InternalServerError", "The server encountered an internal error (injected fault).");
    }

    const caller = authenticate(this.store, req.headers["authorization"], [req.origin, ...this.ownAudiences], this.verifiedTokens);

    const apiVersion = query.get("api-version");
    if (apiVersion === null || apiVersion === "") {
      throw new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
    }

    if (isResourcesPath(segments)) {
      if (!isWellFormedApiVersion(apiVersion)) {
        throw new ArmError(
          400,
          "InvalidApiVersionParameter",
          `The api-version ${quote(apiVersion)} is invalid. An api-version is a date such as '2021-04-01', optionally followed by a suffix such as '-preview'.`,
        );
      }
      const result = handleResources(this.store, this.settings.pageSize, { method, segments, rawPath, query, body: req.body, origin: req.origin });
      this.rateHeaders(segments[1], method, headers);
      return result;
    }

    const matches = matchPath(segments);
    if (matches.length === 0) throw notFoundPath(segments, apiVersion);
    // Clients fetch the nextLink of a pageable POST (listAssociatedResources) with GET, so that
    // continuation is served too. UNCONFIRMED: how the service itself answers it.
    const match =
      matches.find((m) => m.route.method === method) ??
      (method === "GET" && query.has("$skiptoken") ? matches.find((m) => m.route.method === "POST" && m.route.pageable) : undefined);
    if (!match) throw methodNotAllowed(method);
    const version = checkVersion(match.route, apiVersion);

    const subscriptionId = match.params["subscriptionId"];
    if (subscriptionId !== undefined) requireSubscription(this.store, subscriptionId);
    this.throttle(match.route, method, subscriptionId, segments);

    const ctx: HandlerContext = { method, rawPath, segments, query, body: req.body, origin: req.origin, version, params: match.params, caller };
    const handler = armHandlers[match.route.operation];
    if (!handler) throw new ArmError(404, "InvalidResourceType", `The operation '${match.route.operation}' is not available.`);
    const result = await handler(ctx, { store: this.store, settings: this.settings, requireGroup: (s, g) => requireGroup(this.store, s, g) });
    this.rateHeaders(subscriptionId, method, headers);
    return result;
  }

  private throttle(route: RouteSpec, method: string, subscriptionId: string | undefined, segments: string[]): void {
    if (!this.throttler) return;
    const cls = throttleClass(route, method);
    // Lists are limited per tenant and subscription only; everything else also per resource.
    const resource = cls === "list" && method === "GET" ? undefined : keyOf("/" + segments.join("/"));
    const rejected = this.throttler.take(cls, { tenant: this.store.meta.tenantId, subscription: subscriptionId && keyOf(subscriptionId), resource });
    if (rejected) {
      throw new ArmError(429, "TooManyRequests", `The request is throttled: the ${rejected.scope} ${cls} limit is exceeded. Retry after ${rejected.retryAfterSeconds} seconds.`, {
        headers: { "retry-after": String(rejected.retryAfterSeconds) },
      });
    }
  }

  private rateHeaders(subscriptionId: string | undefined, method: string, headers: Record<string, string>): void {
    if (!subscriptionId) return;
    const read = method === "GET" || method === "HEAD";
    const hour = Math.floor(Date.now() / 3_600_000);
    const key = keyOf(subscriptionId);
    let usage = this.usage.get(key);
    if (!usage || usage.hour !== hour) this.usage.set(key, (usage = { hour, reads: 0, writes: 0 }));
    if (read) usage.reads++;
    else usage.writes++;
    const name = read ? "x-ms-ratelimit-remaining-subscription-reads" : "x-ms-ratelimit-remaining-subscription-writes";
    const remaining = this.throttler
      ? this.throttler.remaining(read ? "read" : "write", key)
      : Math.max(0, (read ? HOURLY_READS : HOURLY_WRITES) - (read ? usage.reads : usage.writes));
    headers[name] = String(remaining);
  }

  /** Closes the journal. */
  close(): void {
    this.journal?.close();
    this.journal = undefined;
  }
}

/** The documented limit class of an operation. */
function throttleClass(route: RouteSpec, method: string): ThrottleClass {
  if (method === "DELETE") return "delete";
  if (method === "PUT" || method === "PATCH") return "write";
  if (method === "POST") return route.operation.endsWith("revokeTokens") ? "write" : "list";
  return route.operation.includes(".list") ? "list" : "read";
}

/** Decodes path segments; bad percent-encoding is a 400, not a crash. */
function decodeSegments(rawPath: string): string[] {
  // Clients join `/{scope}` templates with scopes that start with '/': ARM collapses empty segments.
  const parts = rawPath.split("/").filter((s) => s !== "");
  return parts.map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      // UNCONFIRMED: ARM's code for a malformed request URI.
      throw new ArmError(400, "InvalidRequestUri", `The request URI is malformed: the path segment ${quote(part)} is not valid percent-encoding.`);
    }
  });
}

/** Versions that support a route's resource type (all its operations), oldest first. */
function typeVersions(route: RouteSpec): ApiVersion[] {
  const set = new Set<ApiVersion>();
  for (const r of routes) if (r.resourceType.toLowerCase() === route.resourceType.toLowerCase() && !r.isAction) r.versions.forEach((v) => set.add(v));
  return apiVersionList.filter((v) => set.has(v));
}

/** Checks the api-version against the operation and answers as ARM does when it does not fit. */
function checkVersion(route: RouteSpec, apiVersion: string): ApiVersion {
  if (isApiVersion(apiVersion) && route.versions.includes(apiVersion)) return apiVersion;
  const supported = typeVersions(route);
  if (!isWellFormedApiVersion(apiVersion)) {
    throw new ArmError(400, "InvalidApiVersionParameter", `The api-version ${quote(apiVersion)} is invalid. The supported versions are '${supported.join(",")}'.`);
  }
  if (!supported.includes(apiVersion as ApiVersion)) {
    const type = route.resourceType || "operations";
    throw new ArmError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location 'global' and API version '${apiVersion}' for type '${type}'. The supported api-versions are '${supported.join(", ")}'.`,
    );
  }
  // The type exists in this version but the action does not. UNCONFIRMED: the service's answer.
  const actionName = route.template.split("/").pop();
  throw new ArmError(
    404,
    "InvalidResourceType",
    `The resource type '${route.resourceType}/${actionName}' could not be found in the namespace 'Microsoft.ManagedIdentity' for api version '${apiVersion}'. It is available in '${route.versions.join(", ")}'.`,
  );
}

function notFoundPath(segments: string[], apiVersion: string): ArmError {
  const at = segments.findIndex((s, i) => s.toLowerCase() === "providers" && segments[i + 1]?.toLowerCase() === "microsoft.managedidentity");
  if (at >= 0) {
    const type = segments.slice(at + 2).filter((_, i) => i % 2 === 0).join("/");
    // UNCONFIRMED: status code of ARM's InvalidResourceType.
    return new ArmError(404, "InvalidResourceType", `The resource type ${quote(type)} could not be found in the namespace 'Microsoft.ManagedIdentity' for api version ${quote(apiVersion)}.`);
  }
  return new ArmError(404, "NotFound", `No resource or operation exists at the path ${quote("/" + segments.join("/"))}.`);
}

