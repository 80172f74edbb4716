/**
 * The control API: seeding, system-assigned identities, faults, throttling, settings and reset, as
 * JS methods (`emu.control`) and as HTTP routes under `/_emulator/` on the ARM endpoint.
 */
import { randomUUID } from "node:crypto";
import type { ArmSettings } from "./arm.js";
import type { EmulatorRequest } from "./context.js";
import { ArmError, quote } from "./errors.js";
import type { FaultInjector, FaultKind, FaultOptions } from "./faults.js";
import { groupKey } from "./resources.js";
import { IDENTITY_TYPE } from "./shapes.js";
import { keyOf, type AssociatedResource, type IdentityRecord, type ResourceGroupRecord, type Store, type StoreOp, type StoreState, type SystemAssignedRecord } from "./store.js";
import type { ThrottleOptions } from "./throttling.js";
import { normalizeLocation, parseJsonBody, validateIdentityName, validateResourceGroupName, validateSubscriptionId } from "./validation.js";

/** Data to put into the emulator in one call. */
export interface SeedData {
  /** Subscriptions to add (a random id when omitted). */
  subscriptions?: Array<{ subscriptionId?: string; displayName?: string }>;
  /** Resource groups (in the default subscription unless given). */
  resourceGroups?: Array<{ subscriptionId?: string; name: string; location?: string; tags?: Record<string, string> }>;
  /** User-assigned identities; their resource groups are created when missing. */
  identities?: Array<{ subscriptionId?: string; resourceGroup: string; name: string; location?: string; tags?: Record<string, string> }>;
  /** Scopes (resource ids) to enable a system-assigned identity on. */
  systemAssigned?: Array<{ scope: string; location?: string }>;
}

/** What {@link EmulatorControl.seed} created. */
export interface SeedResult {
  subscriptions: string[];
  resourceGroups: ResourceGroupRecord[];
  identities: IdentityRecord[];
  systemAssigned: SystemAssignedRecord[];
}

/** What the control API needs from the engine. */
export interface ControlDeps {
  store: Store;
  settings: ArmSettings;
  faults: FaultInjector;
  setThrottling(options: ThrottleOptions | undefined): void;
  /** Re-creates the default subscription and host identity after a reset. */
  defaults(): StoreOp[];
  getToken(scope: string): string;
}

const DEFAULT_LOCATION = "westus";

/** Checks the shape of seed data (it may come from HTTP): arrays of objects with string fields. */
function checkSeed(data: unknown): asserts data is SeedData {
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new ArmError(400, "InvalidRequestContent", `Seed data must be an object, got ${quote(data)}.`);
  const fields: Record<string, { required: string[]; optional: string[] }> = {
    subscriptions: { required: [], optional: ["subscriptionId", "displayName"] },
    resourceGroups: { required: ["name"], optional: ["subscriptionId", "location"] },
    identities: { required: ["resourceGroup", "name"], optional: ["subscriptionId", "location"] },
    systemAssigned: { required: ["scope"], optional: ["location"] },
  };
  for (const [list, rule] of Object.entries(fields)) {
    const value = (data as Record<string, unknown>)[list];
    if (value === undefined) continue;
    if (!Array.isArray(value)) throw new ArmError(400, "InvalidRequestContent", `Seed '${list}' must be an array, got ${quote(value)}.`, { target: list });
    value.forEach((entry: unknown, i) => {
      const at = `${list}[${i}]`;
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new ArmError(400, "InvalidRequestContent", `Seed '${at}' must be an object, got ${quote(entry)}.`, { target: at });
      const record = entry as Record<string, unknown>;
      for (const name of [...rule.required, ...rule.optional]) {
        const v = record[name];
        if (v === undefined && !rule.required.includes(name)) continue;
        if (typeof v !== "string" || v === "") throw new ArmError(400, "InvalidRequestContent", `Seed '${at}.${name}' must be a non-empty string, got ${quote(v)}.`, { target: `${at}.${name}` });
      }
      const tags = record["tags"];
      if (tags !== undefined && (typeof tags !== "object" || tags === null || Array.isArray(tags) || Object.values(tags).some((t) => typeof t !== "string"))) {
        throw new ArmError(400, "InvalidRequestContent", `Seed '${at}.tags' must be an object of strings, got ${quote(tags)}.`, { target: `${at}.tags` });
      }
    });
  }
}

/** Run-time control of an emulator. */
export class EmulatorControl {
  constructor(private readonly deps: ControlDeps) {}

  /** Deletes everything, then restores the default subscription and host identity. */
  reset(): void {
    this.deps.faults.clear();
    this.deps.setThrottling(undefined);
    this.deps.store.commit([{ t: "clear" }, ...this.deps.defaults()]);
  }

  /** Adds subscriptions, resource groups, identities and system-assigned identities. */
  seed(data: SeedData): SeedResult {
    checkSeed(data);
    const store = this.deps.store;
    const ops: StoreOp[] = [];
    const result: SeedResult = { subscriptions: [], resourceGroups: [], identities: [], systemAssigned: [] };
    const defaultSub = store.meta.defaultSubscriptionId;
    const subscriptionOf = (id: string | undefined): string => {
      const sub = id ?? defaultSub;
      validateSubscriptionId(sub);
      if (!store.subscription(sub) && !result.subscriptions.some((s) => s.toLowerCase() === sub.toLowerCase())) {
        throw new ArmError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`);
      }
      return store.subscription(sub)?.subscriptionId ?? sub;
    };
    for (const s of data.subscriptions ?? []) {
      const subscriptionId = s.subscriptionId ?? randomUUID();
      validateSubscriptionId(subscriptionId);
      ops.push({ t: "put", c: "subscriptions", k: keyOf(subscriptionId), v: { subscriptionId, displayName: s.displayName ?? `Subscription ${subscriptionId.slice(0, 8)}`, tenantId: store.meta.tenantId, state: "Enabled" } });
      result.subscriptions.push(subscriptionId);
    }
    const groups = new Map<string, ResourceGroupRecord>();
    const ensureGroup = (subscriptionId: string, name: string, location?: string, tags?: Record<string, string>): ResourceGroupRecord => {
      validateResourceGroupName(name);
      const key = groupKey(subscriptionId, name);
      const existing = groups.get(key) ?? store.resourceGroup(key);
      if (existing && !tags && !location) return existing;
      const group: ResourceGroupRecord = {
        id: existing?.id ?? `/subscriptions/${subscriptionId}/resourcegroups/${name}`,
        subscriptionId,
        name: existing?.name ?? name,
        location: location ? normalizeLocation(location) : existing?.location ?? DEFAULT_LOCATION,
        tags: tags ?? existing?.tags ?? {},
      };
      groups.set(key, group);
      ops.push({ t: "put", c: "resourceGroups", k: key, v: group });
      return group;
    };
    for (const g of data.resourceGroups ?? []) result.resourceGroups.push(ensureGroup(subscriptionOf(g.subscriptionId), g.name, g.location ?? DEFAULT_LOCATION, g.tags));
    for (const i of data.identities ?? []) {
      validateIdentityName(i.name);
      const group = ensureGroup(subscriptionOf(i.subscriptionId), i.resourceGroup);
      const id = `${group.id}/providers/${IDENTITY_TYPE}/${i.name}`;
      const now = new Date().toISOString();
      const existing = store.identity(keyOf(id));
      const record: IdentityRecord = {
        ...(existing ?? {
          id,
          subscriptionId: group.subscriptionId,
          resourceGroup: group.name,
          name: i.name,
          tenantId: store.meta.tenantId,
          principalId: randomUUID(),
          clientId: randomUUID(),
          systemData: { createdBy: "emulator", createdByType: "Application", createdAt: now, lastModifiedBy: "emulator", lastModifiedByType: "Application", lastModifiedAt: now },
        }),
        location: normalizeLocation(i.location ?? group.location),
        tags: i.tags ?? existing?.tags ?? {},
      };
      ops.push({ t: "put", c: "identities", k: keyOf(id), v: record });
      result.identities.push(record);
    }
    for (const s of data.systemAssigned ?? []) {
      const rec = this.systemAssignedRecord(s.scope, s.location);
      ops.push({ t: "put", c: "systemAssigned", k: keyOf(rec.scope), v: rec });
      result.systemAssigned.push(rec);
    }
    store.commit(ops);
    return result;
  }

  private systemAssignedRecord(scope: string, location?: string): SystemAssignedRecord {
    if (typeof scope !== "string" || !scope.startsWith("/") || scope.length < 2) {
      throw new ArmError(400, "InvalidParameter", `The scope ${quote(scope)} must be a resource id starting with '/'.`, { target: "scope" });
    }
    const normalized = scope.replace(/\/+$/, "");
    const existing = this.deps.store.systemAssigned(keyOf(normalized));
    return existing ?? {
      scope: normalized,
      location: normalizeLocation(location ?? DEFAULT_LOCATION),
      tags: {},
      tenantId: this.deps.store.meta.tenantId,
      principalId: randomUUID(),
      clientId: randomUUID(),
    };
  }

  /** Enables the system-assigned identity of a scope (a resource id); returns it. */
  enableSystemAssigned(scope: string, options: { location?: string } = {}): SystemAssignedRecord {
    return this.seed({ systemAssigned: [{ scope, location: options.location }] }).systemAssigned[0]!;
  }

  /** Disables the system-assigned identity of a scope. */
  disableSystemAssigned(scope: string): void {
    this.deps.store.commit([{ t: "del", c: "systemAssigned", k: keyOf(scope.replace(/\/+$/, "")) }]);
  }

  /** Sets the resources `listAssociatedResources` reports for an identity (ids or full entries). */
  setAssociatedResources(identityId: string, resources: Array<string | Partial<AssociatedResource> & { id: string }>): AssociatedResource[] {
    const key = keyOf(identityId);
    if (!this.deps.store.identity(key)) throw new ArmError(404, "ResourceNotFound", `The identity ${quote(identityId)} does not exist.`);
    const list = resources.map((r) => {
      const entry = typeof r === "string" ? { id: r } : r;
      const parts = entry.id.split("/");
      const sub = parts[2] ?? "";
      const providerAt = parts.findIndex((p) => p.toLowerCase() === "providers");
      return {
        id: entry.id,
        name: entry.name ?? parts[parts.length - 1] ?? "",
        type: entry.type ?? (providerAt >= 0 ? parts.slice(providerAt + 1).filter((_, i, a) => i === 0 || (i % 2 === 1 && i < a.length - 1)).join("/").toLowerCase() : ""),
        resourceGroup: entry.resourceGroup ?? parts[4] ?? "",
        subscriptionId: entry.subscriptionId ?? sub,
        subscriptionDisplayName: entry.subscriptionDisplayName ?? this.deps.store.subscription(sub)?.displayName ?? "",
      };
    });
    this.deps.store.commit([{ t: "put", c: "associated", k: key, v: list }]);
    return list;
  }

  /** Sets random faults (undefined: none). */
  setFaults(options: FaultOptions | undefined): void {
    this.deps.faults.configure(options);
  }

  /** Makes the next `count` ARM requests (matching `pathPattern`, if given) fail with `kind`. */
  failNext(kind: FaultKind, count = 1, options: { pathPattern?: RegExp; retryAfterSeconds?: number; latencyMs?: number } = {}): void {
    this.deps.faults.failNext(kind, count, options);
  }

  /** Turns throttling with the documented limits on (options) or off (undefined). */
  setThrottling(options: ThrottleOptions | undefined): void {
    this.deps.setThrottling(options);
  }

  /** Changes page size and federated-credential write window at run time. */
  configure(settings: Partial<ArmSettings>): void {
    if (settings.pageSize !== undefined) {
      if (typeof settings.pageSize !== "number" || !Number.isInteger(settings.pageSize) || settings.pageSize < 1) throw new ArmError(400, "InvalidParameter", `pageSize must be an integer of at least 1, got ${quote(settings.pageSize)}.`);
      this.deps.settings.pageSize = settings.pageSize;
    }
    if (settings.ficWriteWindowMs !== undefined) {
      if (typeof settings.ficWriteWindowMs !== "number" || !(settings.ficWriteWindowMs >= 0 && settings.ficWriteWindowMs <= 600_000)) throw new ArmError(400, "InvalidParameter", `ficWriteWindowMs must be a number from 0 to 600000, got ${quote(settings.ficWriteWindowMs)}.`);
      this.deps.settings.ficWriteWindowMs = settings.ficWriteWindowMs;
    }
  }

  /** A copy of the whole state (for assertions and debugging). */
  state(): Omit<StoreState, "meta"> & { meta: { tenantId: string; defaultSubscriptionId: string; hostResourceId: string } } {
    const { meta, ...rest } = structuredClone(this.deps.store.snapshot());
    return { ...rest, meta: { tenantId: meta.tenantId, defaultSubscriptionId: meta.defaultSubscriptionId, hostResourceId: meta.hostResourceId } };
  }

  /** An ARM token for the test principal (same as `emu.credential`). */
  getToken(scope = "https://management.azure.com/.default"): string {
    return this.deps.getToken(scope);
  }

  /** Serves `/_emulator/...` requests: the same operations over HTTP. */
  handleHttp(req: EmulatorRequest, path: string, query: URLSearchParams): { status: number; body?: unknown } {
    const route = `${req.method.toUpperCase()} ${path.replace(/\/+$/, "")}`;
    const body = (): Record<string, unknown> => {
      const parsed = parseJsonBody(req.body) ?? {};
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ArmError(400, "InvalidRequestContent", "The control request body must be a JSON object.");
      return parsed as Record<string, unknown>;
    };
    const pattern = (v: unknown): RegExp | undefined => {
      if (v === undefined) return undefined;
      try {
        return new RegExp(String(v));
      } catch {
        throw new ArmError(400, "InvalidParameter", `pathPattern ${quote(v)} is not a valid regular expression.`);
      }
    };
    switch (route) {
      case "POST /_emulator/reset":
        this.reset();
        return { status: 200, body: {} };
      case "POST /_emulator/seed":
        return { status: 200, body: this.seed(body() as SeedData) };
      case "PUT /_emulator/system-assigned": {
        const b = body();
        return { status: 200, body: this.enableSystemAssigned(String(b["scope"] ?? ""), { location: b["location"] as string | undefined }) };
      }
      case "DELETE /_emulator/system-assigned":
        this.disableSystemAssigned(query.get("scope") ?? "");
        return { status: 200, body: {} };
      case "PUT /_emulator/associated-resources": {
        const b = body();
        const resources = b["resources"];
        if (!Array.isArray(resources) || resources.some((r) => typeof r !== "string" && (typeof r !== "object" || r === null || typeof (r as { id?: unknown }).id !== "string"))) {
          throw new ArmError(400, "InvalidParameter", `'resources' must be an array of resource ids or objects with an 'id', got ${quote(resources)}.`, { target: "resources" });
        }
        return { status: 200, body: this.setAssociatedResources(String(b["identityId"] ?? ""), b["resources"] as string[]) };
      }
      case "PUT /_emulator/faults": {
        const b = body();
        const rate = b["rate"] ?? 0;
        if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) throw new ArmError(400, "InvalidParameter", `'rate' must be a number from 0 to 1, got ${quote(rate)}.`, { target: "rate" });
        const kinds = b["kinds"];
        if (kinds !== undefined && (!Array.isArray(kinds) || kinds.some((k) => !["429", "500", "503", "latency", "reset"].includes(String(k))))) {
          throw new ArmError(400, "InvalidParameter", `'kinds' must list 429, 500, 503, latency or reset, got ${quote(kinds)}.`, { target: "kinds" });
        }
        for (const name of ["seed", "latencyMs", "retryAfterSeconds"]) {
          const v = b[name];
          if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 3_600_000)) {
            throw new ArmError(400, "InvalidParameter", `'${name}' must be a non-negative number, got ${quote(v)}.`, { target: name });
          }
        }
        this.setFaults({ ...(b as FaultOptions), pathPattern: pattern(b["pathPattern"]) });
        return { status: 200, body: {} };
      }
      case "DELETE /_emulator/faults":
        this.deps.faults.clear();
        return { status: 200, body: {} };
      case "POST /_emulator/faults/next": {
        const b = body();
        const kind = String(b["kind"]) as FaultKind;
        if (!["429", "500", "503", "latency", "reset"].includes(kind)) throw new ArmError(400, "InvalidParameter", `kind ${quote(b["kind"])} must be one of 429, 500, 503, latency, reset.`);
        const count = b["count"] ?? 1;
        if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 10_000) {
          throw new ArmError(400, "InvalidParameter", `'count' must be an integer from 1 to 10000, got ${quote(count)}.`, { target: "count" });
        }
        const retryAfter = b["retryAfterSeconds"];
        if (retryAfter !== undefined && (typeof retryAfter !== "number" || !(retryAfter >= 0))) {
          throw new ArmError(400, "InvalidParameter", `'retryAfterSeconds' must be a non-negative number, got ${quote(retryAfter)}.`, { target: "retryAfterSeconds" });
        }
        this.failNext(kind, count, { pathPattern: pattern(b["pathPattern"]), retryAfterSeconds: retryAfter as number | undefined });
        return { status: 200, body: {} };
      }
      case "PUT /_emulator/throttling": {
        const b = body();
        const burst = b["burstSeconds"];
        if (burst !== undefined && (typeof burst !== "number" || !(burst > 0))) throw new ArmError(400, "InvalidParameter", `'burstSeconds' must be a positive number, got ${quote(burst)}.`, { target: "burstSeconds" });
        const limits = b["limits"] ?? {};
        const validLimits =
          typeof limits === "object" && limits !== null && !Array.isArray(limits) &&
          Object.entries(limits).every(([cls, l]) => ["write", "read", "list", "delete"].includes(cls) && typeof l === "object" && l !== null &&
            Object.entries(l).every(([scope, v]) => ["tenant", "subscription", "resource"].includes(scope) && typeof v === "number" && v >= 0));
        if (!validLimits) {
          throw new ArmError(400, "InvalidParameter", `'limits' must map write/read/list/delete to {tenant, subscription, resource} requests per second, got ${quote(limits)}.`, { target: "limits" });
        }
        this.setThrottling(b as ThrottleOptions);
        return { status: 200, body: {} };
      }
      case "DELETE /_emulator/throttling":
        this.setThrottling(undefined);
        return { status: 200, body: {} };
      case "PUT /_emulator/settings":
        this.configure(body() as Partial<ArmSettings>);
        return { status: 200, body: { ...this.deps.settings } };
      case "GET /_emulator/state":
        return { status: 200, body: this.state() };
      case "POST /_emulator/token": {
        const b = body();
        return { status: 200, body: { access_token: this.getToken(typeof b["scope"] === "string" ? b["scope"] : undefined), token_type: "Bearer" } };
      }
      default:
        throw new ArmError(404, "NotFound", `No control operation '${route}'. See the README section 'Local emulator'.`);
    }
  }
}
