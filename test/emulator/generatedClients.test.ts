/**
 * Every API version's generated client against the emulator through the in-process transport:
 * each operation the version has, with the version's own serializers, so wire shapes match the
 * specs for all 11 versions.
 */
import { apiVersionList, apiVersionSpecs, loadGenerated, type ApiVersion } from "../../src/generated/apiVersions.js";
import { createEmulator, type InProcessEmulator } from "arm-managed-identity/emulator";

let emu: InProcessEmulator;

beforeAll(() => {
  emu = createEmulator({ ficWriteWindowMs: 0, pageSize: 2 });
  emu.control.seed({ resourceGroups: [{ name: "rg" }] });
});

async function collect(iterator: AsyncIterable<any[]>): Promise<{ pages: number; items: any[] }> {
  let pages = 0;
  const items: any[] = [];
  for await (const page of iterator) {
    pages++;
    items.push(...page);
  }
  return { pages, items };
}

it.each(apiVersionList)("%s: every operation of the version works with its generated client", async (version: ApiVersion) => {
  const groups = apiVersionSpecs[version].groups;
  const mod = (await loadGenerated[version]()) as any;
  const client = new mod.ManagedServiceIdentityClient(emu.credential, emu.subscriptionId, { endpoint: emu.endpoint, httpClient: emu.httpClient });
  const uai = client.userAssignedIdentities;
  const names = [0, 1, 2].map((i) => `v${version.replace(/-/g, "")}-${i}`);
  for (const name of names) await uai.createOrUpdate("rg", name, { location: "westus", tags: { v: version } });
  const got = await uai.get("rg", names[0]);
  expect(got.name).toBe(names[0]);
  expect(got.clientId).toMatch(/^[0-9a-f-]{36}$/);
  // 2015-08-31-preview's update model requires location, so every version sends it.
  expect((await uai.update("rg", names[0], { location: "westus", tags: { patched: "1" } })).tags).toEqual({ patched: "1" });
  const byGroup = await collect(uai.listByResourceGroup("rg").byPage());
  expect(byGroup.items.map((i: { name: string }) => i.name).filter((n: string) => names.includes(n)).sort()).toEqual(names);
  expect(byGroup.pages).toBeGreaterThanOrEqual(2);
  const bySub = await collect(uai.listBySubscription().byPage());
  expect(bySub.items.length).toBe(byGroup.items.length);

  if (groups["federatedIdentityCredentials"]) {
    const fics = client.federatedIdentityCredentials;
    for (let i = 0; i < 3; i++) {
      const fic = await fics.createOrUpdate("rg", names[0], `cred-${i}`, { issuer: "https://issuer.example", subject: `subject-${i}`, audiences: ["api://AzureADTokenExchange"] });
      expect(fic.subject).toBe(`subject-${i}`);
    }
    expect((await fics.get("rg", names[0], "cred-1")).issuer).toBe("https://issuer.example");
    const listed = await collect(fics.list("rg", names[0], { top: 2 }).byPage());
    expect(listed.pages).toBe(2);
    expect(listed.items.map((f: { name: string }) => f.name)).toEqual(["cred-0", "cred-1", "cred-2"]);
    await fics.delete("rg", names[0], "cred-2");
    await expect(fics.get("rg", names[0], "cred-2")).rejects.toMatchObject({ statusCode: 404 });
  }
  if (groups["flexibleFederatedIdentityCredentials"]) {
    const flexible = client.flexibleFederatedIdentityCredentials;
    const expression = { value: "claims['sub'] matches 'repo:org/*'", languageVersion: 1 };
    const created = await flexible.createOrUpdate("rg", names[1], "flex-1", { properties: { issuer: "https://issuer.example", audiences: ["api://AzureADTokenExchange"], claimsMatchingExpression: expression } });
    expect(created.properties.claimsMatchingExpression).toEqual(expression);
    expect((await flexible.get("rg", names[1], "flex-1")).properties.claimsMatchingExpression).toEqual(expression);
  }
  if (groups["userAssignedIdentities"]!["listAssociatedResources"]) {
    const identity = await uai.get("rg", names[2]);
    emu.control.setAssociatedResources(identity.id, ["a", "b", "c"].map((n) => `/subscriptions/${emu.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/site-${n}`));
    const associated = await collect(uai.listAssociatedResources("rg", names[2], { filter: "contains(name, 'site')", orderby: "name asc", top: 2 }).byPage());
    expect(associated.items.map((r: { name: string }) => r.name)).toEqual(["site-a", "site-b", "site-c"]);
    expect(associated.pages).toBe(2);
  }
  if (groups["userAssignedIdentities"]!["revokeTokens"]) await uai.revokeTokens("rg", names[2]);
  const scope = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/host-${version}`;
  emu.control.enableSystemAssigned(scope);
  expect((await client.systemAssignedIdentities.getByScope(scope)).principalId).toMatch(/^[0-9a-f-]{36}$/);
  const operations = await collect(client.operations.list().byPage());
  expect(operations.items.length).toBeGreaterThan(0);
  for (const name of names) await uai.delete("rg", name);
  await expect(uai.get("rg", names[0])).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
});

it("the in-process transport stops waiting when the caller aborts mid-request", async () => {
  const mod = await loadGenerated["2024-11-30"]();
  const client = new mod.ManagedServiceIdentityClient(emu.credential, emu.subscriptionId, { endpoint: emu.endpoint, httpClient: emu.httpClient });
  // The request is held by injected latency far longer than this test's timeout; only the abort can end it.
  emu.control.failNext("latency", 1, { latencyMs: 120_000 });
  const controller = new AbortController();
  const pending = client.userAssignedIdentities.get("rg", "anything", { abortSignal: controller.signal });
  setImmediate(() => controller.abort());
  await expect(pending).rejects.toMatchObject({ name: "AbortError" });
}, 10_000);
