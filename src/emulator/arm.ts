/**
 * Handlers of the Microsoft.ManagedIdentity operations (one per `group.operation` of the version
 * table): user-assigned identities, federated credentials (plain and flexible), associated
 * resources, token revocation, system-assigned identities and the operations list.
 */
import { randomUUID } from "node:crypto";
import type { ApiVersion } from "../generated/apiVersions.js";
import type { HandlerContext, HandlerResult } from "./context.js";
import { ArmError, quote } from "./errors.js";
import { nextLink, takePage } from "./paging.js";
import { operationsOf, propertyNames, shapeAssociated, shapeFic, shapeIdentity, shapeSystemAssigned } from "./shapes.js";
import { entriesRange, keyOf, type FicRecord, type IdentityRecord, type ResourceGroupRecord, type Store, type StoreOp, type SystemData } from "./store.js";
import {
  MAX_FICS_PER_IDENTITY,
  optionalBoolean,
  optionalObject,
  optionalString,
  parseJsonBody,
  readFicBody,
  readPositiveInt,
  readTags,
  requireLocation,
  requireObjectBody,
  validateFicName,
  validateIdentityName,
  normalizeLocation,
} from "./validation.js";

/** Settings handlers read on every request (changeable at run time through the control API). */
export interface ArmSettings {
  /** Items per page of every list (unless `$top` asks for fewer). */
  pageSize: number;
  /** How long a federated-credential write holds its identity, in ms. */
  ficWriteWindowMs: number;
}

/** What the handlers need from the engine. */
export interface ArmDeps {
  store: Store;
  settings: ArmSettings;
  /** Resolves the resource group of a request or throws the matching ARM error. */
  requireGroup(subscriptionId: string, resourceGroupName: string): ResourceGroupRecord;
}

type Handler = (ctx: HandlerContext, deps: ArmDeps) => Promise<HandlerResult> | HandlerResult;

const PROVIDER_PATH = "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/";

/** Federated-credential writes in flight, per identity key: the service refuses overlapping ones. */
const ficWritesInFlight = new WeakMap<Store, Set<string>>();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function systemDataFor(ctx: HandlerContext, previous?: SystemData): SystemData {
  const now = new Date().toISOString();
  const byType = ctx.caller.xms_mirid ? "ManagedIdentity" : "Application";
  const by = ctx.caller.xms_mirid ? ctx.caller.oid : ctx.caller.appid;
  return {
    createdBy: previous?.createdBy ?? by,
    createdByType: previous?.createdByType ?? byType,
    createdAt: previous?.createdAt ?? now,
    lastModifiedBy: by,
    lastModifiedByType: byType,
    lastModifiedAt: now,
  };
}

function identityKeyOf(ctx: HandlerContext): string {
  return keyOf(`/subscriptions/${ctx.params["subscriptionId"]}/resourcegroups/${ctx.params["resourceGroupName"]}${PROVIDER_PATH}${ctx.params["resourceName"]}`);
}

function identityNotFound(ctx: HandlerContext): ArmError {
  // UNCONFIRMED: this RP's exact wording; this is ARM's usual ResourceNotFound message.
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/${ctx.params["resourceName"]}' under resource group '${ctx.params["resourceGroupName"]}' was not found.`,
  );
}

/** The identity a request addresses, after checking its resource group exists. */
function findIdentity(ctx: HandlerContext, deps: ArmDeps): { key: string; identity?: IdentityRecord; group: ResourceGroupRecord } {
  const group = deps.requireGroup(ctx.params["subscriptionId"]!, ctx.params["resourceGroupName"]!);
  const key = identityKeyOf(ctx);
  return { key, identity: deps.store.identity(key), group };
}

function requireIdentity(ctx: HandlerContext, deps: ArmDeps): { key: string; identity: IdentityRecord } {
  const { key, identity } = findIdentity(ctx, deps);
  if (!identity) throw identityNotFound(ctx);
  return { key, identity };
}

/** The parent identity of a federated credential request (the service's own 404 wording). */
function requireParent(ctx: HandlerContext, deps: ArmDeps): { key: string; identity: IdentityRecord } {
  const { key, identity } = findIdentity(ctx, deps);
  if (!identity) throw new ArmError(404, "ParentResourceNotFound", "The parent user-assigned identity doesn't exist.");
  return { key, identity };
}

/** Reads the identity properties the version has; the others keep their stored values. */
function applyIdentityProperties(version: ApiVersion, props: Record<string, unknown> | undefined, target: IdentityRecord, replace: boolean): void {
  const names = propertyNames(version, "Identity");
  const has = (n: string): boolean => names.includes(n);
  const given = props ?? {};
  if (has("isolationScope") && (replace || "isolationScope" in given)) {
    const scope = optionalString(given, "isolationScope", "properties.isolationScope");
    if (scope !== undefined && scope !== "None" && scope !== "Regional") {
      throw new ArmError(400, "InvalidRequestContent", `The property 'properties.isolationScope' must be 'None' or 'Regional', got ${quote(scope)}.`, {
        target: "properties.isolationScope",
      });
    }
    target.isolationScope = scope;
  }
  if (has("assignmentRestrictions") && (replace || "assignmentRestrictions" in given)) {
    const restrictions = optionalObject(given, "assignmentRestrictions", "properties.assignmentRestrictions");
    if (restrictions) {
      const providers = restrictions["providers"] ?? [];
      if (!Array.isArray(providers) || providers.some((p) => typeof p !== "string")) {
        throw new ArmError(400, "InvalidRequestContent", `The property 'properties.assignmentRestrictions.providers' must be an array of strings, got ${quote(providers)}.`, {
          target: "properties.assignmentRestrictions.providers",
        });
      }
      target.assignmentRestrictions = { providers: providers as string[] };
    } else {
      target.assignmentRestrictions = undefined;
    }
  }
  for (const flag of ["assignmentBlocked", "federationBlocked"] as const) {
    if (has(flag) && (replace || flag in given)) target[flag] = optionalBoolean(given, flag, `properties.${flag}`);
  }
}

function checkSameLocation(existing: IdentityRecord, location: string): void {
  if (existing.location !== location) {
    // UNCONFIRMED: status; ARM's InvalidResourceLocation wording.
    throw new ArmError(
      400,
      "InvalidResourceLocation",
      `The resource '${existing.name}' already exists in location '${existing.location}' in resource group '${existing.resourceGroup}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`,
      { target: "location" },
    );
  }
}

function listBody(ctx: HandlerContext, items: unknown[], token: string | undefined): HandlerResult {
  const link = nextLink(ctx.origin, ctx.rawPath, ctx.query, token);
  return { status: 200, body: link ? { value: items, nextLink: link } : { value: items } };
}

const createOrUpdateIdentity: Handler = (ctx, deps) => {
  const { key, identity: existing, group } = findIdentity(ctx, deps);
  validateIdentityName(ctx.params["resourceName"]!);
  const body = requireObjectBody(parseJsonBody(ctx.body), "the identity");
  const location = requireLocation(body);
  const tags = readTags(body) ?? {};
  const props = optionalObject(body, "properties");
  let record: IdentityRecord;
  if (existing) {
    checkSameLocation(existing, location);
    record = { ...existing, tags, systemData: systemDataFor(ctx, existing.systemData) };
  } else {
    const subscription = deps.store.subscription(group.subscriptionId)!;
    record = {
      id: `/subscriptions/${group.subscriptionId}/resourcegroups/${group.name}${PROVIDER_PATH}${ctx.params["resourceName"]}`,
      subscriptionId: group.subscriptionId,
      resourceGroup: group.name,
      name: ctx.params["resourceName"]!,
      location,
      tags,
      tenantId: subscription.tenantId,
      principalId: randomUUID(),
      clientId: randomUUID(),
      systemData: systemDataFor(ctx),
    };
  }
  applyIdentityProperties(ctx.version, props, record, true);
  deps.store.commit([{ t: "put", c: "identities", k: key, v: record }]);
  return { status: existing ? 200 : 201, body: shapeIdentity(ctx.version, record) };
};

const updateIdentity: Handler = (ctx, deps) => {
  const { key, identity } = requireIdentity(ctx, deps);
  const parsed = parseJsonBody(ctx.body);
  const body = parsed === undefined ? {} : requireObjectBody(parsed, "the identity update");
  const record: IdentityRecord = { ...identity, systemData: systemDataFor(ctx, identity.systemData) };
  const location = optionalString(body, "location");
  if (location !== undefined) checkSameLocation(identity, normalizeLocation(location));
  const tags = readTags(body);
  if (tags !== undefined) record.tags = tags;
  applyIdentityProperties(ctx.version, optionalObject(body, "properties"), record, false);
  deps.store.commit([{ t: "put", c: "identities", k: key, v: record }]);
  return { status: 200, body: shapeIdentity(ctx.version, record) };
};

const getIdentity: Handler = (ctx, deps) => ({ status: 200, body: shapeIdentity(ctx.version, requireIdentity(ctx, deps).identity) });

const deleteIdentity: Handler = (ctx, deps) => {
  const { key, identity } = findIdentity(ctx, deps);
  if (!identity) return { status: 204 };
  deps.store.commit(deps.store.deleteIdentityOps(key));
  return { status: 200 };
};

const listBySubscription: Handler = (ctx, deps) => {
  const prefix = `/subscriptions/${keyOf(ctx.params["subscriptionId"]!)}/`;
  const page = takePage(deps.store.identitiesUnder(prefix), deps.settings.pageSize, ctx.query.get("$skiptoken"));
  return listBody(ctx, page.items.map((i) => shapeIdentity(ctx.version, i)), page.nextToken);
};

const listByResourceGroup: Handler = (ctx, deps) => {
  const group = deps.requireGroup(ctx.params["subscriptionId"]!, ctx.params["resourceGroupName"]!);
  const page = takePage(deps.store.identitiesUnder(keyOf(group.id) + "/"), deps.settings.pageSize, ctx.query.get("$skiptoken"));
  return listBody(ctx, page.items.map((i) => shapeIdentity(ctx.version, i)), page.nextToken);
};

/** `$filter` support for associated resources: `contains(field, 'x')` and `field eq 'x'`, joined by `and`. */
function associatedFilter(filter: string | null): (r: Record<string, unknown>) => boolean {
  if (!filter) return () => true;
  const clauses = filter.split(/\s+and\s+/i).map((clause) => {
    const contains = /^\s*contains\(\s*(\w+)\s*,\s*'((?:[^']|'')*)'\s*\)\s*$/i.exec(clause);
    if (contains) {
      const [, field, value] = contains;
      const needle = value!.replace(/''/g, "'").toLowerCase();
      return (r: Record<string, unknown>) => String(r[field!] ?? "").toLowerCase().includes(needle);
    }
    const eq = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(clause);
    if (eq) {
      const [, field, value] = eq;
      const wanted = value!.replace(/''/g, "'").toLowerCase();
      return (r: Record<string, unknown>) => String(r[field!] ?? "").toLowerCase() === wanted;
    }
    throw new ArmError(400, "InvalidFilter", `The $filter ${quote(filter)} is not supported; use contains(field, 'text') or field eq 'value', joined by 'and'.`, { target: "$filter" });
  });
  return (r) => clauses.every((c) => c(r));
}

const listAssociatedResources: Handler = (ctx, deps) => {
  const { key } = requireIdentity(ctx, deps);
  let items = deps.store.associated(key).map((r) => shapeAssociated(ctx.version, r)).filter(associatedFilter(ctx.query.get("$filter")));
  const orderby = ctx.query.get("$orderby");
  if (orderby) {
    const m = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/i.exec(orderby);
    if (!m) throw new ArmError(400, "InvalidOrderBy", `The $orderby ${quote(orderby)} is not supported; use 'field [asc|desc]'.`, { target: "$orderby" });
    const sign = m[2]?.toLowerCase() === "desc" ? -1 : 1;
    items = [...items].sort((a, b) => sign * String(a[m[1]!] ?? "").localeCompare(String(b[m[1]!] ?? "")));
  }
  const skipRaw = ctx.query.get("$skip");
  if (skipRaw !== null) {
    if (!/^\d{1,9}$/.test(skipRaw)) throw new ArmError(400, "InvalidParameter", `The query parameter '$skip' must be a non-negative integer, got ${quote(skipRaw)}.`, { target: "$skip" });
    items = items.slice(Number(skipRaw));
  }
  const total = items.length;
  const top = readPositiveInt(ctx.query, "$top") ?? deps.settings.pageSize;
  const entries = items.map((item, i) => [String(i).padStart(10, "0"), item] as const);
  const query = new URLSearchParams(ctx.query);
  // The skip has been applied; the next page continues from the token alone.
  query.delete("$skip");
  const page = takePage(entriesRange(entries), Math.min(top, deps.settings.pageSize), ctx.query.get("$skiptoken"));
  const link = nextLink(ctx.origin, ctx.rawPath, query, page.nextToken);
  return { status: 200, body: { totalCount: total, value: page.items, ...(link ? { nextLink: link } : {}) } };
};

const revokeTokens: Handler = (ctx, deps) => {
  const { identity } = requireIdentity(ctx, deps);
  deps.store.commit([{ t: "put", c: "revocations", k: keyOf(identity.principalId), v: Date.now() }]);
  return { status: 200 };
};

function ficKeyOf(identityKey: string, name: string): string {
  return keyOf(`${identityKey}/federatedIdentityCredentials/${name}`);
}

function ficNotFound(ctx: HandlerContext): ArmError {
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/${ctx.params["resourceName"]}/federatedIdentityCredentials/${ctx.params["federatedIdentityCredentialResourceName"]}' under resource group '${ctx.params["resourceGroupName"]}' was not found.`,
  );
}

const listFics: Handler = (ctx, deps) => {
  const { key } = requireParent(ctx, deps);
  const top = readPositiveInt(ctx.query, "$top");
  const page = takePage(entriesRange(deps.store.ficsOf(key)), Math.min(top ?? deps.settings.pageSize, deps.settings.pageSize), ctx.query.get("$skiptoken"));
  return listBody(ctx, page.items.map((f) => shapeFic(ctx.version, f)), page.nextToken);
};

const getFic: Handler = (ctx, deps) => {
  const { key } = requireParent(ctx, deps);
  const fic = deps.store.fic(ficKeyOf(key, ctx.params["federatedIdentityCredentialResourceName"]!));
  if (!fic) throw ficNotFound(ctx);
  return { status: 200, body: shapeFic(ctx.version, fic) };
};

function concurrentWrite(identityKey: string): ArmError {
  return new ArmError(
    409,
    "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity",
    `Too many Federated Identity Credentials are written concurrently for the managed identity '${identityKey}'. Concurrent Federated Identity Credentials writes under the same managed identity are not supported.`,
  );
}

/**
 * Runs a federated-credential write holding its identity for the write window: a second write on
 * the same identity inside the window gets the service's 409, writes on other identities proceed.
 */
async function withFicWriteWindow<T>(deps: ArmDeps, identityKey: string, write: () => T): Promise<T> {
  let inFlight = ficWritesInFlight.get(deps.store);
  if (!inFlight) ficWritesInFlight.set(deps.store, (inFlight = new Set()));
  if (inFlight.has(identityKey)) throw concurrentWrite(identityKey);
  inFlight.add(identityKey);
  try {
    if (deps.settings.ficWriteWindowMs > 0) await sleep(deps.settings.ficWriteWindowMs);
    return write();
  } finally {
    inFlight.delete(identityKey);
  }
}

const createOrUpdateFic: Handler = async (ctx, deps) => {
  const { key: identityKey } = requireParent(ctx, deps);
  const name = ctx.params["federatedIdentityCredentialResourceName"]!;
  validateFicName(name);
  const body = requireObjectBody(parseJsonBody(ctx.body), "the federated identity credential");
  const allowExpression = propertyNames(ctx.version, "FederatedIdentityCredential").includes("claimsMatchingExpression");
  const input = readFicBody(body, allowExpression);
  return withFicWriteWindow(deps, identityKey, () => {
    // Re-read after the window: the identity or its credentials may have changed meanwhile.
    const { identity } = requireParent(ctx, deps);
    const ficKey = ficKeyOf(identityKey, name);
    const existing = deps.store.fic(ficKey);
    const siblings = deps.store.ficsOf(identityKey).filter(([k]) => k !== ficKey);
    if (!existing && siblings.length >= MAX_FICS_PER_IDENTITY) {
      // UNCONFIRMED: code and wording; the limit of 20 is documented.
      throw new ArmError(400, "BadRequest", `Too many federated identity credentials: the managed identity '${identity.name}' already has ${siblings.length}; at most ${MAX_FICS_PER_IDENTITY} are allowed.`);
    }
    if (input.subject !== undefined && siblings.some(([, f]) => f.issuer === input.issuer && f.subject === input.subject)) {
      throw new ArmError(400, "BadRequest", "Issuer and subject combination already exists for this Managed Identity.");
    }
    const record: FicRecord = {
      id: existing?.id ?? `${identity.id}/federatedIdentityCredentials/${name}`,
      identityKey,
      name: existing?.name ?? name,
      issuer: input.issuer,
      subject: input.subject,
      audiences: input.audiences,
      ...(input.claimsMatchingExpression ? { claimsMatchingExpression: input.claimsMatchingExpression } : {}),
      systemData: systemDataFor(ctx, existing?.systemData),
    };
    deps.store.commit([{ t: "put", c: "fics", k: ficKey, v: record }]);
    return { status: existing ? 200 : 201, body: shapeFic(ctx.version, record) };
  });
};

const deleteFic: Handler = async (ctx, deps) => {
  const { key: identityKey } = requireParent(ctx, deps);
  const ficKey = ficKeyOf(identityKey, ctx.params["federatedIdentityCredentialResourceName"]!);
  if (!deps.store.fic(ficKey)) return { status: 204 };
  return withFicWriteWindow(deps, identityKey, () => {
    if (!deps.store.fic(ficKey)) return { status: 204 };
    const ops: StoreOp[] = [{ t: "del", c: "fics", k: ficKey }];
    deps.store.commit(ops);
    return { status: 200 };
  });
};

const getSystemAssigned: Handler = (ctx, deps) => {
  const scope = ctx.params["scope"]!;
  const rec = deps.store.systemAssigned(keyOf(scope));
  if (!rec) {
    // UNCONFIRMED: the service's answer for a scope without a system-assigned identity.
    throw new ArmError(404, "ResourceNotFound", `The Resource 'Microsoft.ManagedIdentity/identities/default' under scope '${scope}' was not found.`);
  }
  return { status: 200, body: shapeSystemAssigned(ctx.version, rec) };
};

const listOperations: Handler = (ctx, deps) => {
  const entries = operationsOf(ctx.version).map((op, i) => [String(i).padStart(6, "0"), op] as const);
  const page = takePage(entriesRange(entries), deps.settings.pageSize, ctx.query.get("$skiptoken"));
  return listBody(ctx, page.items, page.nextToken);
};

/** Handler of each `group.operation` of the version table. */
export const armHandlers: Readonly<Record<string, Handler>> = {
  "userAssignedIdentities.createOrUpdate": createOrUpdateIdentity,
  "userAssignedIdentities.update": updateIdentity,
  "userAssignedIdentities.get": getIdentity,
  "userAssignedIdentities.delete": deleteIdentity,
  "userAssignedIdentities.listBySubscription": listBySubscription,
  "userAssignedIdentities.listByResourceGroup": listByResourceGroup,
  "userAssignedIdentities.listAssociatedResources": listAssociatedResources,
  "userAssignedIdentities.revokeTokens": revokeTokens,
  "federatedIdentityCredentials.list": listFics,
  "federatedIdentityCredentials.get": getFic,
  "federatedIdentityCredentials.createOrUpdate": createOrUpdateFic,
  "federatedIdentityCredentials.delete": deleteFic,
  // Flexible credentials share the identity's credential collection (the spec examples return them
  // with federatedIdentityCredentials ids), so they count toward the 20. UNCONFIRMED.
  "flexibleFederatedIdentityCredentials.get": getFic,
  "flexibleFederatedIdentityCredentials.createOrUpdate": createOrUpdateFic,
  "systemAssignedIdentities.getByScope": getSystemAssigned,
  "operations.list": listOperations,
};
