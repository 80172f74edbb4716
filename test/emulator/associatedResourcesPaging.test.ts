/**
 * Paging of `listAssociatedResources`, a POST action whose `nextLink` clients fetch with GET: the
 * emulator serves that GET with the next page on every API version that has the operation, over
 * HTTPS to this package's `ManagedServiceIdentityClient` and to raw requests.
 */
import { ManagedServiceIdentityClient, apiVersionList, apiVersionSpecs, type ApiVersion, type GeneratedClientOf } from "arm-managed-identity";
import { startEmulator, type RunningEmulator } from "arm-managed-identity/emulator";
import { identityPath, send } from "./helpers.js";

/** Versions whose generated client has the operation (the type), checked against the version table (run time). */
type AssociatedVersion = { [V in ApiVersion]: GeneratedClientOf<V>["userAssignedIdentities"] extends { listAssociatedResources: unknown } ? V : never }[ApiVersion];
const versions = apiVersionList.filter((v): v is AssociatedVersion => apiVersionSpecs[v].groups["userAssignedIdentities"]?.["listAssociatedResources"] !== undefined);
const workers = ["worker-1", "worker-2", "worker-3", "worker-4", "worker-5"];

let emu: RunningEmulator;

beforeAll(async () => {
  // The default page size (100) is larger than the listing: only `$top` makes it span pages.
  emu = await startEmulator({ ficWriteWindowMs: 0 });
  emu.control.seed({ resourceGroups: [{ name: "rg" }], identities: [{ resourceGroup: "rg", name: "busy" }] });
  emu.control.setAssociatedResources(
    identityPath(emu.subscriptionId, "rg", "busy"),
    workers.map((n) => `/subscriptions/${emu.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/${n}`),
  );
});

afterAll(async () => {
  await emu?.stop();
});

it("the operation exists in at least the two preview versions the version table names", () => {
  expect(versions).toEqual(expect.arrayContaining(["2021-09-30-preview", "2022-01-31-preview"]));
});

describe.each(versions)("%s", (version) => {
  it("ManagedServiceIdentityClient pages through with byPage({ maxPageSize: 2 }) over HTTPS", async () => {
    const client = new ManagedServiceIdentityClient(emu.credential, emu.subscriptionId, {
      apiVersion: version,
      endpoint: emu.endpoint,
      tlsOptions: { ca: emu.caCertificate },
      retryOptions: { maxRetries: 0 },
    });
    const pages: Array<Array<string | undefined>> = [];
    for await (const page of client.userAssignedIdentities.listAssociatedResources("rg", "busy").byPage({ maxPageSize: 2 })) pages.push(page.map((r) => r.name));
    expect(pages).toEqual([workers.slice(0, 2), workers.slice(2, 4), workers.slice(4)]);
  });

  it("answers GET on the nextLink of the POST with the next page, and still refuses a bare GET", async () => {
    const headers = { authorization: `Bearer ${emu.control.getToken()}` };
    const action = `${emu.endpoint}${identityPath(emu.subscriptionId, "rg", "busy")}/listAssociatedResources?api-version=${version}`;
    const first = await send(`${action}&$top=2`, { method: "POST", headers, ca: emu.caCertificate });
    expect(first.status).toBe(200);
    expect(first.json.value.map((r: { name: string }) => r.name)).toEqual(workers.slice(0, 2));
    const second = await send(first.json.nextLink, { method: "GET", headers, ca: emu.caCertificate });
    expect(second.status).toBe(200);
    expect(second.json.value.map((r: { name: string }) => r.name)).toEqual(workers.slice(2, 4));
    const third = await send(second.json.nextLink, { method: "GET", headers, ca: emu.caCertificate });
    expect(third.json.value.map((r: { name: string }) => r.name)).toEqual(workers.slice(4));
    expect(third.json.nextLink).toBeUndefined();
    const bare = await send(action, { method: "GET", headers, ca: emu.caCertificate });
    expect(bare.status).toBe(405);
  });
});
