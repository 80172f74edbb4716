/**
 * Token endpoint protocols in-process: every way App Service and IMDS name an identity, the
 * trailing slash MSAL may add, and the errors for unknown identities and missing parameters.
 */
import { createEmulator, type InProcessEmulator } from "arm-managed-identity/emulator";
import { call } from "./helpers.js";

let emu: InProcessEmulator;
let identity: { id: string; clientId: string; principalId: string };

beforeAll(() => {
  emu = createEmulator({ seed: { identities: [{ resourceGroup: "rg", name: "worker" }] } });
  identity = Object.values(emu.control.state().identities).find((i) => i.name === "worker")!;
});

function token(path: string, query: Record<string, string>, headers: Record<string, string>): { status: number; json: any } {
  const q = new URLSearchParams({ resource: "https://management.azure.com", ...query });
  const r = emu.engine.handleToken({ method: "GET", url: `${path}?${q}`, headers, body: Buffer.alloc(0), origin: "http://127.0.0.1" });
  return { status: r.status, json: JSON.parse(r.body!) };
}

function claims(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString("utf8"));
}

const appService = (query: Record<string, string>) =>
  token("/msi/token", { "api-version": "2019-08-01", ...query }, { "x-identity-header": emu.engine.store.meta.identityHeader });
const imds = (query: Record<string, string>, path = "/metadata/identity/oauth2/token") => token(path, { "api-version": "2018-02-01", ...query }, { metadata: "true" });

it.each([
  ["App Service client_id", () => appService({ client_id: identity.clientId })],
  ["App Service mi_res_id", () => appService({ mi_res_id: identity.id })],
  ["App Service object_id", () => appService({ object_id: identity.principalId })],
  ["App Service principal_id", () => appService({ principal_id: identity.principalId })],
  ["IMDS client_id", () => imds({ client_id: identity.clientId.toUpperCase() })],
  ["IMDS msi_res_id", () => imds({ msi_res_id: identity.id.toLowerCase() })],
  ["IMDS object_id with a trailing slash", () => imds({ object_id: identity.principalId }, "/metadata/identity/oauth2/token/")],
])("%s issues a token for the user-assigned identity that ARM accepts", async (_, get) => {
  const r = get();
  expect(r.status).toBe(200);
  expect(r.json.token_type).toBe("Bearer");
  const c = claims(r.json.access_token);
  expect(c["oid"]).toBe(identity.principalId);
  expect(c["appid"]).toBe(identity.clientId);
  expect(c["xms_mirid"]).toBe(identity.id);
  const arm = await call(emu, "GET", `/subscriptions?api-version=2021-04-01`, undefined, { authorization: `Bearer ${r.json.access_token}` });
  expect(arm.status).toBe(200);
});

it("issues system-assigned tokens for the host without an id, and refuses unknown identities and bad requests", () => {
  const host = appService({});
  expect(host.status).toBe(200);
  expect(claims(host.json.access_token)["xms_mirid"]).toBe(emu.engine.store.meta.hostResourceId);
  expect(imds({}).json.expires_in).toMatch(/^\d+$/);
  expect(appService({ client_id: "00000000-0000-0000-0000-000000000000" })).toEqual({
    status: 400,
    json: expect.objectContaining({ statusCode: 400, message: "No MSI found for specified ClientId/ResourceId." }),
  });
  expect(imds({ msi_res_id: "/subscriptions/x/resourceGroups/y/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nobody" })).toEqual({
    status: 400,
    json: { error: "invalid_request", error_description: "Identity not found" },
  });
  expect(token("/msi/token", { "api-version": "2017-09-01" }, { "x-identity-header": emu.engine.store.meta.identityHeader }).status).toBe(400);
  expect(token("/metadata/identity/oauth2/token", { "api-version": "2018-02-01", resource: "" }, { metadata: "true" }).json.error_description).toBe(
    "Required audience parameter not specified",
  );
  // Once the host's system-assigned identity is disabled, a request without an id fails.
  emu.control.disableSystemAssigned(emu.engine.store.meta.hostResourceId);
  expect(imds({}).json).toEqual({ error: "invalid_request", error_description: "Identity not found" });
});

it("serves many overlapping identity operations in parallel without losing any", async () => {
  const sub = emu.subscriptionId;
  const base = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => call(emu, "PUT", `${base}/parallel-${i}?api-version=2023-01-31`, { location: "westus", tags: { i: String(i) } })),
  );
  expect(results.every((r) => r.status === 201)).toBe(true);
  const reads = await Promise.all(Array.from({ length: 200 }, (_, i) => call(emu, "GET", `${base}/parallel-${i}?api-version=2023-01-31`)));
  expect(reads.map((r) => r.json.tags.i)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  const deletes = await Promise.all(Array.from({ length: 100 }, (_, i) => call(emu, "DELETE", `${base}/parallel-${i * 2}?api-version=2023-01-31`)));
  expect(deletes.every((r) => r.status === 200)).toBe(true);
  const remaining = Object.values(emu.control.state().identities).filter((i) => i.name.startsWith("parallel-"));
  expect(remaining).toHaveLength(100);
});

it("finds identities by client id or object id among thousands, and forgets deleted and disabled ones", async () => {
  const { identities } = emu.control.seed({ identities: Array.from({ length: 2000 }, (_, i) => ({ resourceGroup: "many", name: `member-${i}` })) });
  const target = identities[1234]!;
  for (const r of [imds({ client_id: target.clientId.toUpperCase() }), appService({ object_id: target.principalId })]) {
    expect(r.status).toBe(200);
    expect(claims(r.json.access_token)).toMatchObject({ oid: target.principalId, appid: target.clientId, xms_mirid: target.id });
  }
  const scope = `/subscriptions/${emu.subscriptionId}/resourceGroups/many/providers/Microsoft.Web/sites/app`;
  const system = emu.control.enableSystemAssigned(scope);
  expect(claims(imds({ client_id: system.clientId }).json.access_token)["xms_mirid"]).toBe(scope);

  expect((await call(emu, "DELETE", `${target.id}?api-version=2024-11-30`)).status).toBe(200);
  expect(imds({ client_id: target.clientId }).json).toEqual({ error: "invalid_request", error_description: "Identity not found" });
  expect(appService({ object_id: target.principalId }).status).toBe(400);
  emu.control.disableSystemAssigned(scope);
  expect(imds({ client_id: system.clientId }).json).toEqual({ error: "invalid_request", error_description: "Identity not found" });
  // A neighbour is unaffected.
  expect(imds({ client_id: identities[1235]!.clientId }).status).toBe(200);
});

it("keeps the client id and object id lookup equal to a scan of the store through random writes and a reset", async () => {
  const own = createEmulator({ ficWriteWindowMs: 0 });
  const store = own.engine.store;
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const check = (): void => {
    for (const i of Object.values(store.snapshot().identities)) {
      expect(store.identityByPrincipal("clientId", i.clientId)).toBe(i);
      expect(store.identityByPrincipal("principalId", i.principalId.toUpperCase())).toBe(i);
    }
  };
  // Seeding an existing name replaces the record (same ids); deleting goes through ARM.
  const known: Array<{ id: string; clientId: string }> = [];
  for (let round = 0; round < 60; round++) {
    if (random() < 0.6) known.push(...own.control.seed({ identities: [{ resourceGroup: "churn", name: `c-${Math.floor(random() * 20)}`, tags: { round: String(round) } }] }).identities);
    else if (known.length > 0) await call(own, "DELETE", `${known[Math.floor(random() * known.length)]!.id}?api-version=2024-11-30`);
    check();
  }
  const gone = known.filter((k) => !store.identity(k.id.toLowerCase()));
  expect(gone.length).toBeGreaterThan(0);
  for (const k of gone) expect(store.identityByPrincipal("clientId", k.clientId)).toBeUndefined();
  own.control.reset();
  for (const k of known) expect(store.identityByPrincipal("clientId", k.clientId)).toBeUndefined();
  const host = store.systemAssigned(store.meta.hostResourceId.toLowerCase())!;
  expect(store.systemAssignedByPrincipal("clientId", host.clientId)).toBe(host);
});
