/**
 * Managed-identity token endpoints, as @azure/identity (through MSAL) calls them: the App Service
 * protocol (`X-IDENTITY-HEADER`, api-version 2019-08-01) and the IMDS protocol (`Metadata: true`,
 * `/metadata/identity/oauth2/token`), for the host's system-assigned identity and for the
 * user-assigned identities in the store.
 */
import type { EmulatorRequest, EmulatorResponse } from "./context.js";
import { keyOf, type Store } from "./store.js";
import { DEFAULT_TOKEN_LIFETIME_SECONDS, resourceFromScope, signToken, type TokenClaims } from "./tokens.js";

/** Path of the App Service style endpoint (`IDENTITY_ENDPOINT`). */
export const APP_SERVICE_PATH = "/msi/token";
/** Path of the IMDS style endpoint (below `AZURE_POD_IDENTITY_AUTHORITY_HOST`). */
export const IMDS_PATH = "/metadata/identity/oauth2/token";

/** An identity a token can be issued for. */
export interface TokenSubject {
  tenantId: string;
  principalId: string;
  clientId: string;
  /** Resource id (`xms_mirid`). */
  resourceId: string;
}

/** Issues a token for `subject` and `resource`. */
export function issueToken(store: Store, subject: { tenantId: string; principalId: string; clientId: string; resourceId?: string }, resource: string, lifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS): { token: string; claims: TokenClaims } {
  const now = Math.floor(Date.now() / 1000);
  const claims: TokenClaims = {
    aud: resource,
    iss: `https://sts.windows.net/${subject.tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + lifetimeSeconds,
    tid: subject.tenantId,
    oid: subject.principalId,
    sub: subject.principalId,
    appid: subject.clientId,
    idtyp: "app",
    ...(subject.resourceId ? { xms_mirid: subject.resourceId } : {}),
  };
  return { token: signToken(claims, store.meta.tokenSecret), claims };
}

/** Finds the identity a token request names (none named: the host's system-assigned identity). */
function findTokenSubject(store: Store, by: { clientId?: string; resourceId?: string; objectId?: string }): TokenSubject | undefined {
  if (by.resourceId) {
    const key = keyOf(by.resourceId.replace(/\/+$/, ""));
    const identity = store.identity(key);
    if (identity) return { ...identity, resourceId: identity.id };
    const system = store.systemAssigned(key);
    return system ? { ...system, resourceId: system.scope } : undefined;
  }
  if (by.clientId || by.objectId) {
    const field = by.clientId ? "clientId" : "principalId";
    const want = (by.clientId ?? by.objectId)!;
    const identity = store.identityByPrincipal(field, want);
    if (identity) return { ...identity, resourceId: identity.id };
    const system = store.systemAssignedByPrincipal(field, want);
    return system ? { ...system, resourceId: system.scope } : undefined;
  }
  const host = store.systemAssigned(keyOf(store.meta.hostResourceId));
  return host ? { ...host, resourceId: host.scope } : undefined;
}

function json(status: number, body: unknown): EmulatorResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
}

/** True when the request targets one of the token endpoints. */
export function isTokenPath(path: string): boolean {
  const p = path.replace(/\/+$/, "");
  return p === APP_SERVICE_PATH || p === IMDS_PATH;
}

/** Serves a token request. */
export function handleTokenRequest(store: Store, req: EmulatorRequest): EmulatorResponse {
  const queryAt = req.url.indexOf("?");
  const path = (queryAt >= 0 ? req.url.slice(0, queryAt) : req.url).replace(/\/+$/, "");
  const query = new URLSearchParams(queryAt >= 0 ? req.url.slice(queryAt + 1) : "");
  if (req.method.toUpperCase() !== "GET") return json(405, { error: "invalid_request", error_description: `Method ${req.method} is not allowed; use GET.` });
  return path === APP_SERVICE_PATH ? appService(store, req, query) : imds(store, req, query);
}

function appService(store: Store, req: EmulatorRequest, query: URLSearchParams): EmulatorResponse {
  // App Service answers errors as {statusCode, message, correlationId}.
  const fail = (status: number, message: string): EmulatorResponse => json(status, { statusCode: status, message, correlationId: req.headers["x-ms-client-request-id"] ?? "" });
  if (req.headers["x-identity-header"] !== store.meta.identityHeader) return fail(401, "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
  if (query.get("api-version") !== "2019-08-01") return fail(400, `The api-version '${query.get("api-version") ?? ""}' is not supported; use 2019-08-01.`);
  const resource = query.get("resource");
  if (!resource) return fail(400, "The 'resource' query parameter is required.");
  const subject = findTokenSubject(store, {
    clientId: query.get("client_id") ?? undefined,
    resourceId: query.get("mi_res_id") ?? undefined,
    objectId: query.get("object_id") ?? query.get("principal_id") ?? undefined,
  });
  // UNCONFIRMED: App Service's wording for an unknown identity.
  if (!subject) return fail(400, "No MSI found for specified ClientId/ResourceId.");
  const { token, claims } = issueToken(store, subject, resourceFromScope(resource));
  return json(200, { access_token: token, expires_on: String(claims.exp), resource, token_type: "Bearer", client_id: subject.clientId });
}

function imds(store: Store, req: EmulatorRequest, query: URLSearchParams): EmulatorResponse {
  const fail = (status: number, error: string, description: string): EmulatorResponse => json(status, { error, error_description: description });
  if ((req.headers["metadata"] ?? "").toLowerCase() !== "true") return fail(400, "invalid_request", "Required metadata header not specified");
  if (!query.get("api-version")) return fail(400, "invalid_request", "Required query variable 'api-version' is missing");
  const resource = query.get("resource");
  if (!resource) return fail(400, "invalid_request", "Required audience parameter not specified");
  const subject = findTokenSubject(store, {
    clientId: query.get("client_id") ?? undefined,
    resourceId: query.get("msi_res_id") ?? query.get("mi_res_id") ?? undefined,
    objectId: query.get("object_id") ?? undefined,
  });
  if (!subject) return fail(400, "invalid_request", "Identity not found");
  const { token, claims } = issueToken(store, subject, resourceFromScope(resource));
  return json(200, {
    access_token: token,
    client_id: subject.clientId,
    expires_in: String(claims.exp - claims.iat),
    expires_on: String(claims.exp),
    ext_expires_in: String(claims.exp - claims.iat),
    not_before: String(claims.nbf),
    resource,
    token_type: "Bearer",
  });
}
