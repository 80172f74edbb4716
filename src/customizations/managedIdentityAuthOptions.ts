/**
 * The options of managed-identity outbound authentication and their checks, kept apart from the
 * policy so every entry point (policy, fetch wrapper) resolves them the same way.
 */
import type { TokenCredential } from "@azure/core-auth";
import { isGuid, ManagedIdentityValidationError } from "./validation.js";

/**
 * Options for {@link managedIdentityAuthPolicy} and {@link createManagedIdentityFetch}: which
 * backend to get a token for, with which managed identity, and what to do when no token can be had.
 * Mirrors API Management's `authentication-managed-identity` policy.
 */
export interface ManagedIdentityAuthOptions {
  /**
   * The backend the token is for: its app ID URI or resource URI (`api://my-backend`,
   * `https://vault.azure.net`), or its application (client) ID as a GUID. The scope requested is
   * `<resource>/.default`; a value that already ends in `/.default` is used as the scope unchanged.
   */
  resource: string;
  /**
   * Client ID (GUID) of the user-assigned managed identity to use. When none of `clientId`,
   * `resourceId` and `objectId` is given, the system-assigned identity is used. At most one of the
   * three may be given.
   */
  clientId?: string;
  /**
   * ARM resource ID of the user-assigned managed identity to use
   * (`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`).
   */
  resourceId?: string;
  /** Object (principal) ID (GUID) of the user-assigned managed identity to use. */
  objectId?: string;
  /**
   * A credential to use instead of `ManagedIdentityCredential` from `@azure/identity`. The identity
   * is then whatever that credential authenticates as, so `clientId`, `resourceId` and `objectId`
   * may not be given with it.
   */
  credential?: TokenCredential;
  /**
   * When `true`, a request for which no token could be acquired is sent on without one (like APIM's
   * `ignore-error="true"`). When `false` (the default), it fails with a
   * {@link ManagedIdentityTokenError} and is never sent.
   */
  ignoreError?: boolean;
  /**
   * Called for every request that gets a token, with the token and its expiry in milliseconds since
   * the epoch (like APIM's `output-token-variable-name`). An exception thrown here fails the request.
   */
  onToken?: (token: string, expiresOnTimestamp: number) => void;
  /**
   * How long before its expiry a cached token is replaced, in milliseconds. Default 300000
   * (5 minutes, the margin MSAL's own cache uses).
   */
  refreshBeforeExpiryInMs?: number;
  /**
   * Attach the token to `http://` URLs too. Default `false`: a bearer token is never sent in clear
   * text, and a request to a non-https URL fails before any token is acquired.
   */
  allowInsecureConnection?: boolean;
}

/** The validated options, with the derived scope and a description of the identity for messages. */
export interface ResolvedManagedIdentityAuthOptions {
  /** The resource as given by the user, for messages. */
  resource: string;
  /** The single scope passed to `getToken`. */
  scope: string;
  /** Which identity is used, in words, for messages and logs. */
  identity: string;
  /** Constructor arguments for `ManagedIdentityCredential`, unless a credential was supplied. */
  identityId:
    | { kind: "system" }
    | { kind: "clientId"; value: string }
    | { kind: "resourceId"; value: string }
    | { kind: "objectId"; value: string };
  /** The credential the user supplied, if any. */
  credential?: TokenCredential;
  /** See {@link ManagedIdentityAuthOptions.ignoreError}; default applied. */
  ignoreError: boolean;
  /** See {@link ManagedIdentityAuthOptions.onToken}. */
  onToken?: (token: string, expiresOnTimestamp: number) => void;
  /** See {@link ManagedIdentityAuthOptions.refreshBeforeExpiryInMs}; default applied. */
  refreshBeforeExpiryInMs: number;
  /** See {@link ManagedIdentityAuthOptions.allowInsecureConnection}; default applied. */
  allowInsecureConnection: boolean;
}

/** Default for {@link ManagedIdentityAuthOptions.refreshBeforeExpiryInMs}: 5 minutes. */
export const defaultRefreshBeforeExpiryInMs = 5 * 60 * 1000;

const scopeSuffix = "/.default";
// An absolute URI: a scheme, a colon, and something after it, without whitespace.
const absoluteUriPattern = /^[a-z][a-z0-9+.-]*:\S+$/i;
const userAssignedIdentityIdPattern =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/i;

function fail(parameter: string, value: unknown, rule: string): never {
  throw new ManagedIdentityValidationError(`options.${parameter}`, value, rule);
}

function resolveResource(resource: unknown): { resource: string; scope: string } {
  const rule = `must be the backend's app ID URI or resource URI (e.g. "api://my-backend", "https://vault.azure.net") or its application ID (a GUID)`;
  if (typeof resource !== "string" || resource.length === 0) {
    fail("resource", resource, rule);
  }
  const bare = resource.endsWith(scopeSuffix) ? resource.slice(0, -scopeSuffix.length) : resource;
  const isUri = absoluteUriPattern.test(bare) && URL.canParse(bare);
  if (!isUri && !isGuid(bare)) {
    fail("resource", resource, rule);
  }
  return { resource, scope: `${bare}${scopeSuffix}` };
}

function resolveIdentity(options: ManagedIdentityAuthOptions): ResolvedManagedIdentityAuthOptions["identityId"] {
  const given = (["clientId", "resourceId", "objectId"] as const).filter((key) => options[key] !== undefined);
  if (given.length > 1) {
    fail(
      given[1],
      options[given[1]],
      `cannot be combined with "${given[0]}": give at most one of "clientId", "resourceId" and "objectId"`,
    );
  }
  if (given.length === 1 && options.credential !== undefined) {
    fail(given[0], options[given[0]], `cannot be combined with "credential", whose own identity is used`);
  }
  const { clientId, resourceId, objectId } = options;
  if (clientId !== undefined) {
    if (!isGuid(clientId)) {
      fail("clientId", clientId, "must be the client ID of a user-assigned identity, a GUID");
    }
    return { kind: "clientId", value: clientId };
  }
  if (resourceId !== undefined) {
    if (typeof resourceId !== "string" || !userAssignedIdentityIdPattern.test(resourceId)) {
      fail(
        "resourceId",
        resourceId,
        "must be the ARM resource ID of a user-assigned identity, /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>",
      );
    }
    return { kind: "resourceId", value: resourceId };
  }
  if (objectId !== undefined) {
    if (!isGuid(objectId)) {
      fail("objectId", objectId, "must be the object (principal) ID of a user-assigned identity, a GUID");
    }
    return { kind: "objectId", value: objectId };
  }
  return { kind: "system" };
}

function describeIdentity(
  identityId: ResolvedManagedIdentityAuthOptions["identityId"],
  credential: TokenCredential | undefined,
): string {
  if (credential !== undefined) {
    return `the supplied credential (${credential.constructor?.name || "anonymous"})`;
  }
  switch (identityId.kind) {
    case "system":
      return "the system-assigned managed identity";
    case "clientId":
      return `the user-assigned managed identity with client ID "${identityId.value}"`;
    case "resourceId":
      return `the user-assigned managed identity "${identityId.value}"`;
    case "objectId":
      return `the user-assigned managed identity with object ID "${identityId.value}"`;
  }
}

function optionalBoolean(options: ManagedIdentityAuthOptions, key: "ignoreError" | "allowInsecureConnection"): boolean {
  const value = options[key];
  if (value !== undefined && typeof value !== "boolean") {
    fail(key, value, "must be true or false");
  }
  return value ?? false;
}

/**
 * Checks {@link ManagedIdentityAuthOptions} and derives the scope and identity from them.
 *
 * @param options - The options as given by the user.
 * @returns The options with defaults applied.
 * @throws {@link ManagedIdentityValidationError} naming the option, its value and the rule it breaks.
 */
export function resolveManagedIdentityAuthOptions(options: ManagedIdentityAuthOptions): ResolvedManagedIdentityAuthOptions {
  if (options === null || typeof options !== "object") {
    throw new ManagedIdentityValidationError("options", options, `must be an object with at least "resource"`);
  }
  const { resource, scope } = resolveResource(options.resource);
  const { credential, onToken, refreshBeforeExpiryInMs } = options;
  if (credential !== undefined && (credential === null || typeof credential.getToken !== "function")) {
    fail("credential", credential, "must be a TokenCredential (an object with a getToken method)");
  }
  const identityId = resolveIdentity(options);
  if (onToken !== undefined && typeof onToken !== "function") {
    fail("onToken", onToken, "must be a function (token, expiresOnTimestamp) => void");
  }
  if (
    refreshBeforeExpiryInMs !== undefined &&
    (typeof refreshBeforeExpiryInMs !== "number" || !Number.isFinite(refreshBeforeExpiryInMs) || refreshBeforeExpiryInMs < 0)
  ) {
    fail("refreshBeforeExpiryInMs", refreshBeforeExpiryInMs, "must be a finite number of milliseconds, 0 or more");
  }
  return {
    resource,
    scope,
    identity: describeIdentity(identityId, credential),
    identityId,
    credential,
    ignoreError: optionalBoolean(options, "ignoreError"),
    onToken,
    refreshBeforeExpiryInMs: refreshBeforeExpiryInMs ?? defaultRefreshBeforeExpiryInMs,
    allowInsecureConnection: optionalBoolean(options, "allowInsecureConnection"),
  };
}
