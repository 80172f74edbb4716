/**
 * The slice of Microsoft.Resources the emulator needs: subscriptions (read-only) and resource
 * groups (create, read, list, delete with cascade to the identities inside).
 */
import type { HandlerResult } from "./context.js";
import { ArmError } from "./errors.js";
import { nextLink, takePage } from "./paging.js";
import { keyOf, keysOf, type ResourceGroupRecord, type SortedRange, type Store, type StoreOp } from "./store.js";
import { parseJsonBody, readTags, requireLocation, requireObjectBody, validateResourceGroupName, validateSubscriptionId } from "./validation.js";

/** A Microsoft.Resources request after routing. */
export interface ResourcesRequest {
  method: string;
  /** Decoded segments: `subscriptions`, id?, `resourcegroups`?, name?. */
  segments: string[];
  rawPath: string;
  query: URLSearchParams;
  body: Buffer;
  origin: string;
}

/** True when the path is one of the Microsoft.Resources routes the emulator serves. */
export function isResourcesPath(segments: readonly string[]): boolean {
  if (segments.length === 0 || segments[0]!.toLowerCase() !== "subscriptions") return false;
  if (segments.length <= 2) return true;
  return segments[2]!.toLowerCase() === "resourcegroups" && segments.length <= 4;
}

/** The resource group key of a subscription id and group name. */
export function groupKey(subscriptionId: string, name: string): string {
  return keyOf(`/subscriptions/${subscriptionId}/resourcegroups/${name}`);
}

/** Checks a subscription exists (after checking its id is a GUID). */
export function requireSubscription(store: Store, subscriptionId: string): void {
  validateSubscriptionId(subscriptionId);
  if (!store.subscription(subscriptionId)) {
    throw new ArmError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
  }
}

/** The resource group, or ARM's 404 `ResourceGroupNotFound`. */
export function requireGroup(store: Store, subscriptionId: string, name: string): ResourceGroupRecord {
  requireSubscription(store, subscriptionId);
  const group = store.resourceGroup(groupKey(subscriptionId, name));
  if (!group) throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);
  return group;
}

function shapeGroup(group: ResourceGroupRecord): Record<string, unknown> {
  return {
    id: `/subscriptions/${group.subscriptionId}/resourceGroups/${group.name}`,
    name: group.name,
    type: "Microsoft.Resources/resourceGroups",
    location: group.location,
    tags: group.tags,
    properties: { provisioningState: "Succeeded" },
  };
}

/** Ops that delete a resource group with everything in it. */
function deleteGroupOps(store: Store, group: ResourceGroupRecord): StoreOp[] {
  const key = keyOf(group.id);
  const ops: StoreOp[] = [];
  for (const identityKey of keysOf(store.identitiesUnder(key + "/"))) ops.push(...store.deleteIdentityOps(identityKey));
  ops.push({ t: "del", c: "resourceGroups", k: key });
  return ops;
}

/** Serves one Microsoft.Resources request. */
export function handleResources(store: Store, pageSize: number, req: ResourcesRequest): HandlerResult {
  const [, subscriptionId, , groupName] = req.segments;
  const method = req.method.toUpperCase();
  const list = <T>(range: SortedRange<T>, shape: (record: T) => unknown): HandlerResult => {
    const page = takePage(range, pageSize, req.query.get("$skiptoken"));
    const link = nextLink(req.origin, req.rawPath, req.query, page.nextToken);
    const value = page.items.map(shape);
    return { status: 200, body: link ? { value, nextLink: link } : { value } };
  };
  if (subscriptionId === undefined) {
    if (method !== "GET") throw methodNotAllowed(method);
    return list(store.subscriptions(), shapeSubscription);
  }
  requireSubscription(store, subscriptionId);
  const subscription = store.subscription(subscriptionId)!;
  if (req.segments.length === 2) {
    if (method !== "GET") throw methodNotAllowed(method);
    return { status: 200, body: shapeSubscription(subscription) };
  }
  if (groupName === undefined) {
    if (method !== "GET") throw methodNotAllowed(method);
    return list(store.resourceGroups(subscription.subscriptionId), shapeGroup);
  }
  const key = groupKey(subscription.subscriptionId, groupName);
  const existing = store.resourceGroup(key);
  switch (method) {
    case "GET":
    case "HEAD":
      if (!existing) throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${groupName}' could not be found.`);
      return { status: method === "HEAD" ? 204 : 200, body: method === "HEAD" ? undefined : shapeGroup(existing) };
    case "PUT": {
      validateResourceGroupName(groupName);
      const body = requireObjectBody(parseJsonBody(req.body), "the resource group");
      const location = requireLocation(body);
      if (existing && existing.location !== location) {
        throw new ArmError(
          409,
          "InvalidResourceGroupLocation",
          `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`,
          { target: "location" },
        );
      }
      const group: ResourceGroupRecord = {
        id: existing?.id ?? `/subscriptions/${subscription.subscriptionId}/resourcegroups/${groupName}`,
        subscriptionId: subscription.subscriptionId,
        name: existing?.name ?? groupName,
        location,
        tags: readTags(body) ?? {},
      };
      store.commit([{ t: "put", c: "resourceGroups", k: key, v: group }]);
      return { status: existing ? 200 : 201, body: shapeGroup(group) };
    }
    case "PATCH": {
      if (!existing) throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${groupName}' could not be found.`);
      const body = requireObjectBody(parseJsonBody(req.body), "the resource group update");
      const group = { ...existing, tags: readTags(body) ?? existing.tags };
      store.commit([{ t: "put", c: "resourceGroups", k: key, v: group }]);
      return { status: 200, body: shapeGroup(group) };
    }
    case "DELETE":
      if (!existing) throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${groupName}' could not be found.`);
      // ARM deletes groups asynchronously (202); the emulator finishes at once and says so with 200.
      store.commit(deleteGroupOps(store, existing));
      return { status: 200 };
    default:
      throw methodNotAllowed(method);
  }
}

function shapeSubscription(s: { subscriptionId: string; displayName: string; tenantId: string; state: string }): Record<string, unknown> {
  return { id: `/subscriptions/${s.subscriptionId}`, subscriptionId: s.subscriptionId, displayName: s.displayName, tenantId: s.tenantId, state: s.state };
}

/** ARM's answer to a method a path does not support. */
export function methodNotAllowed(method: string): ArmError {
  // UNCONFIRMED: ARM's code for an unsupported method.
  return new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`);
}
