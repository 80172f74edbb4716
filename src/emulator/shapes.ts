/**
 * Per-API-version response shaping. Which properties a version returns comes from the generated
 * API version table (`apiVersionSpecs`), so a response never carries a property its version lacks.
 */
import { apiVersionList, apiVersionSpecs, type ApiVersion } from "../generated/apiVersions.js";
import type { AssociatedResource, FicRecord, IdentityRecord, SystemAssignedRecord, SystemData } from "./store.js";

/** Resource type of user-assigned identities. */
export const IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";
/** Resource type of federated identity credentials. */
const FIC_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";
/** Resource type of system-assigned identities. */
const SYSTEM_ASSIGNED_TYPE = "Microsoft.ManagedIdentity/identities";

/**
 * `systemData` lives in the shared ARM common-types (`TrackedResource`/`ProxyResource` from v3 on),
 * which the version table does not expand; the specs switch from common-types v1 to v4 at
 * 2023-01-31, so that is where `systemData` starts.
 */
const SYSTEM_DATA_SINCE: ApiVersion = "2023-01-31";

/** True when `version` is known to this package. */
export function isApiVersion(version: string): version is ApiVersion {
  return (apiVersionList as readonly string[]).includes(version);
}

/** Whether a version's resources carry `systemData`. */
function hasSystemData(version: ApiVersion): boolean {
  return apiVersionList.indexOf(version) >= apiVersionList.indexOf(SYSTEM_DATA_SINCE);
}

const propertyCache = new Map<string, readonly string[]>();

/**
 * Names inside the `properties` bag of `model` in `version` (following the `properties` ref), or
 * an empty list when the version has no such model.
 */
export function propertyNames(version: ApiVersion, model: string): readonly string[] {
  const cacheKey = `${version}|${model}`;
  const cached = propertyCache.get(cacheKey);
  if (cached) return cached;
  const models = apiVersionSpecs[version].models;
  const ref = models[model]?.properties["properties"]?.ref;
  const names = ref && models[ref] ? Object.keys(models[ref].properties) : [];
  propertyCache.set(cacheKey, names);
  return names;
}

/** Top-level property names of a model (e.g. of `AzureResource`). */
function modelPropertyNames(version: ApiVersion, model: string): readonly string[] {
  return Object.keys(apiVersionSpecs[version].models[model]?.properties ?? {});
}

function pick(source: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) if (source[name] !== undefined) out[name] = source[name];
  return out;
}

function withSystemData(version: ApiVersion, systemData: SystemData): { systemData?: SystemData } {
  return hasSystemData(version) ? { systemData } : {};
}

/** The URL the service reports for fetching an identity's credentials (2015-08-31-preview only). */
function clientSecretUrl(location: string, resourceId: string, rec: { tenantId: string; principalId: string; clientId: string }): string {
  return `https://control-${location}.identity.azure.net${resourceId}/credentials?tid=${rec.tenantId}&oid=${rec.principalId}&aid=${rec.clientId}`;
}

/** A user-assigned identity as `version` returns it. */
export function shapeIdentity(version: ApiVersion, rec: IdentityRecord): Record<string, unknown> {
  const all: Record<string, unknown> = {
    tenantId: rec.tenantId,
    principalId: rec.principalId,
    clientId: rec.clientId,
    clientSecretUrl: clientSecretUrl(rec.location, rec.id, rec),
    isolationScope: rec.isolationScope ?? "None",
    assignmentRestrictions: rec.assignmentRestrictions,
    assignmentBlocked: rec.assignmentBlocked,
    federationBlocked: rec.federationBlocked,
  };
  return {
    id: rec.id,
    name: rec.name,
    type: IDENTITY_TYPE,
    location: rec.location,
    tags: rec.tags,
    ...withSystemData(version, rec.systemData),
    properties: pick(all, propertyNames(version, "Identity")),
  };
}

/** A federated identity credential as `version` returns it. */
export function shapeFic(version: ApiVersion, rec: FicRecord): Record<string, unknown> {
  const all: Record<string, unknown> = {
    issuer: rec.issuer,
    subject: rec.subject,
    audiences: rec.audiences,
    claimsMatchingExpression: rec.claimsMatchingExpression,
  };
  return {
    id: rec.id,
    name: rec.name,
    type: FIC_TYPE,
    ...withSystemData(version, rec.systemData),
    properties: pick(all, propertyNames(version, "FederatedIdentityCredential")),
  };
}

/** The system-assigned identity of a scope as `version` returns it. */
export function shapeSystemAssigned(version: ApiVersion, rec: SystemAssignedRecord): Record<string, unknown> {
  const id = `${rec.scope}/providers/Microsoft.ManagedIdentity/identities/default`;
  const all: Record<string, unknown> = {
    tenantId: rec.tenantId,
    principalId: rec.principalId,
    clientId: rec.clientId,
    clientSecretUrl: clientSecretUrl(rec.location, rec.scope, rec),
  };
  return {
    id,
    name: "default",
    type: SYSTEM_ASSIGNED_TYPE,
    location: rec.location,
    tags: rec.tags,
    properties: pick(all, propertyNames(version, "SystemAssignedIdentity")),
  };
}

/** A resource associated with an identity, as `listAssociatedResources` returns it. */
export function shapeAssociated(version: ApiVersion, rec: AssociatedResource): Record<string, unknown> {
  return pick(rec as unknown as Record<string, unknown>, modelPropertyNames(version, "AzureResource"));
}

/** What a version's `operations` list reports, derived from the operations the version has. */
export function operationsOf(version: ApiVersion): Array<Record<string, unknown>> {
  const groups = apiVersionSpecs[version].groups;
  const provider = "Managed Service Identity";
  const out: Array<Record<string, unknown>> = [];
  const add = (name: string, resource: string, operation: string, description: string): void => {
    out.push({ name: `Microsoft.ManagedIdentity/${name}`, display: { provider, resource, operation, description } });
  };
  const uai = groups["userAssignedIdentities"] ?? {};
  add("userAssignedIdentities/read", "User Assigned Identities", "Get User Assigned Identity", "Gets an existing user assigned identity");
  add(
    "userAssignedIdentities/write",
    "User Assigned Identities",
    "Create/Update User Assigned Identity",
    "Creates a new user assigned identity or updates the tags associated with an existing user assigned identity",
  );
  add("userAssignedIdentities/delete", "User Assigned Identities", "Delete User Assigned Identity", "Deletes an existing user assigned identity");
  if (uai["listAssociatedResources"]) {
    add(
      "userAssignedIdentities/listAssociatedResources/action",
      "User Assigned Identities",
      "List Associated Resources",
      "Lists the resources associated with a user assigned identity",
    );
  }
  if (uai["revokeTokens"]) {
    add("userAssignedIdentities/revokeTokens/action", "User Assigned Identities", "Revoke Tokens", "Revokes the tokens issued to a user assigned identity");
  }
  const fic = groups["federatedIdentityCredentials"];
  if (fic) {
    const res = "Federated Identity Credentials";
    add("userAssignedIdentities/federatedIdentityCredentials/read", res, "Get Federated Identity Credential", "Gets or lists federated identity credentials");
    add("userAssignedIdentities/federatedIdentityCredentials/write", res, "Create/Update Federated Identity Credential", "Creates or updates a federated identity credential");
    add("userAssignedIdentities/federatedIdentityCredentials/delete", res, "Delete Federated Identity Credential", "Deletes a federated identity credential");
  }
  if (groups["systemAssignedIdentities"]) {
    add("identities/read", "Managed Identities", "Get Managed Identity", "Gets an existing system assigned identity");
  }
  return out;
}
