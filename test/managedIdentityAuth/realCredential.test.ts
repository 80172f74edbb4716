/**
 * The default credential: the real ManagedIdentityCredential from @azure/identity, talking the App
 * Service managed-identity protocol to a token endpoint served by msw. MSAL picks its managed-identity
 * source from the environment once per module instance, so the environment is set before the
 * module under test (and with it @azure/identity) is imported; jest gives this file its own modules.
 */
import { ServiceClient } from "@azure/core-client";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

type Module = typeof import("../../src/customizations/managedIdentityAuth.js");

const identityEndpoint = "http://127.0.0.1:40342/msi/token";
const identityHeader = "identity-header-secret";
const backendUrl = "https://backend.example.test/api/orders";
const userClientId = "6f1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
const unknownClientId = "00000000-1111-2222-3333-444444444444";
const identityResourceId =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/backend-caller";
const objectId = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const expiresOnSeconds = Math.floor(Date.now() / 1000) + 3600;

interface TokenRequest {
  header: string | null;
  apiVersion: string | null;
  resource: string | null;
  clientId: string | null;
  miResId: string | null;
  objectId: string | null;
}
const tokenRequests: TokenRequest[] = [];
const backendAuthorizations: Array<string | null> = [];

/** The token the endpoint issues for an identity and resource, so the backend can tell which it got. */
function tokenFor(identity: string, resource: string): string {
  return `mi-token.${identity}.${resource}`;
}

const server = setupServer(
  http.get(identityEndpoint, ({ request }) => {
    const query = new URL(request.url).searchParams;
    const seen: TokenRequest = {
      header: request.headers.get("x-identity-header"),
      apiVersion: query.get("api-version"),
      resource: query.get("resource"),
      clientId: query.get("client_id"),
      miResId: query.get("mi_res_id"),
      objectId: query.get("object_id"),
    };
    tokenRequests.push(seen);
    if (seen.header !== identityHeader || seen.apiVersion !== "2019-08-01" || !seen.resource) {
      return HttpResponse.json({ error: "invalid_request", error_description: "Bad token request" }, { status: 400 });
    }
    if (seen.clientId === unknownClientId) {
      return HttpResponse.json({ error: "invalid_request", error_description: "Identity not found" }, { status: 400 });
    }
    const identity = seen.clientId ?? seen.miResId ?? seen.objectId ?? "system";
    return HttpResponse.json({
      access_token: tokenFor(identity, seen.resource),
      expires_on: String(expiresOnSeconds),
      resource: seen.resource,
      token_type: "Bearer",
      client_id: seen.clientId ?? "system-client-id",
    });
  }),
  http.get(backendUrl, ({ request }) => {
    backendAuthorizations.push(request.headers.get("authorization"));
    return HttpResponse.json({ ok: true });
  }),
);

const managedIdentityVariables = [
  "IDENTITY_ENDPOINT",
  "IDENTITY_HEADER",
  "IDENTITY_SERVER_THUMBPRINT",
  "MSI_ENDPOINT",
  "MSI_SECRET",
  "IMDS_ENDPOINT",
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
  "AZURE_FEDERATED_TOKEN_FILE",
];
const savedEnvironment = new Map(managedIdentityVariables.map((name) => [name, process.env[name]]));
let mod: Module;

beforeAll(async () => {
  for (const name of managedIdentityVariables) {
    delete process.env[name];
  }
  process.env.IDENTITY_ENDPOINT = identityEndpoint;
  process.env.IDENTITY_HEADER = identityHeader;
  server.listen({ onUnhandledRequest: "error" });
  mod = await import("../../src/customizations/managedIdentityAuth.js");
});
afterEach(() => {
  tokenRequests.length = 0;
  backendAuthorizations.length = 0;
});
afterAll(() => {
  server.close();
  for (const [name, value] of savedEnvironment) {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
});

function sendThroughServiceClient(policy: ReturnType<Module["managedIdentityAuthPolicy"]>): Promise<unknown> {
  const client = new ServiceClient({ additionalPolicies: [{ policy, position: "perRetry" }] });
  return client.sendRequest(createPipelineRequest({ url: backendUrl }));
}

describe("default credential (ManagedIdentityCredential, App Service protocol)", () => {
  it("system-assigned: the token request names no identity, and the backend gets that token (policy)", async () => {
    const onToken = jest.fn();
    const policy = mod.managedIdentityAuthPolicy({ resource: "api://orders-backend", onToken });

    await sendThroughServiceClient(policy);
    await sendThroughServiceClient(policy);

    expect(tokenRequests).toEqual([
      { header: identityHeader, apiVersion: "2019-08-01", resource: "api://orders-backend", clientId: null, miResId: null, objectId: null },
    ]);
    const token = tokenFor("system", "api://orders-backend");
    expect(backendAuthorizations).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    expect(onToken).toHaveBeenCalledWith(token, expiresOnSeconds * 1000);
  });

  it("user-assigned by clientId: the token request carries client_id, and the backend gets that token (fetch)", async () => {
    const authFetch = mod.createManagedIdentityFetch({ resource: "https://vault.azure.net", clientId: userClientId });

    const response = await authFetch(backendUrl);

    expect(response.status).toBe(200);
    expect(tokenRequests).toEqual([
      { header: identityHeader, apiVersion: "2019-08-01", resource: "https://vault.azure.net", clientId: userClientId, miResId: null, objectId: null },
    ]);
    expect(backendAuthorizations).toEqual([`Bearer ${tokenFor(userClientId, "https://vault.azure.net")}`]);
  });

  it("user-assigned by resourceId and by objectId: the token request carries mi_res_id or object_id", async () => {
    await sendThroughServiceClient(mod.managedIdentityAuthPolicy({ resource: "api://orders-backend", resourceId: identityResourceId }));
    await mod.createManagedIdentityFetch({ resource: "api://orders-backend", objectId })(backendUrl);

    expect(tokenRequests.map(({ clientId, miResId, objectId: oid }) => ({ clientId, miResId, objectId: oid }))).toEqual([
      { clientId: null, miResId: identityResourceId, objectId: null },
      { clientId: null, miResId: null, objectId },
    ]);
    expect(backendAuthorizations).toEqual([
      `Bearer ${tokenFor(identityResourceId, "api://orders-backend")}`,
      `Bearer ${tokenFor(objectId, "api://orders-backend")}`,
    ]);
  });

  it("an identity the endpoint does not know: a clear error naming resource and identity, and no backend request", async () => {
    const authFetch = mod.createManagedIdentityFetch({ resource: "api://orders-backend", clientId: unknownClientId });

    const error = await authFetch(backendUrl).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(mod.ManagedIdentityTokenError);
    expect((error as Error).message).toMatch(
      new RegExp(`resource "api://orders-backend" with the user-assigned managed identity with client ID "${unknownClientId}": .*Identity not found`),
    );
    expect(tokenRequests.map((r) => r.clientId)).toEqual([unknownClientId]);
    expect(backendAuthorizations).toEqual([]);
  });

  it("the same unknown identity with ignoreError: the backend request goes out without a token", async () => {
    const authFetch = mod.createManagedIdentityFetch({ resource: "api://other-backend", clientId: unknownClientId, ignoreError: true });

    const response = await authFetch(backendUrl);

    expect(response.status).toBe(200);
    expect(backendAuthorizations).toEqual([null]);
  });
});
