/**
 * End to end over real HTTPS: child processes that use @azure/identity's ManagedIdentityCredential
 * (App Service and IMDS protocols, system- and user-assigned) and the generated per-version
 * clients, configured only through the environment lines the emulator prints.
 */
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "arm-managed-identity/emulator";
import { runJsonChild } from "./jsonChild.js";

let emu: RunningEmulator;
const child = join(__dirname, "fixtures", "managedIdentityClient.ts");

beforeAll(async () => {
  emu = await startEmulator({ ficWriteWindowMs: 10, pageSize: 3 });
  emu.control.seed({ resourceGroups: [{ name: "rg-e2e" }] });
});

afterAll(async () => {
  await emu?.stop();
});

function runChild(env: Record<string, string>) {
  return runJsonChild(child, env, 60_000);
}

it("App Service protocol, system-assigned identity of the host: CRUD and paging on four API versions", async () => {
  const versions = ["2018-11-30", "2022-01-31-preview", "2024-11-30", "2026-05-31"];
  const result = await runChild({
    NODE_EXTRA_CA_CERTS: emu.env["NODE_EXTRA_CA_CERTS"]!,
    IDENTITY_ENDPOINT: emu.env["IDENTITY_ENDPOINT"]!,
    IDENTITY_HEADER: emu.env["IDENTITY_HEADER"]!,
    AZURE_SUBSCRIPTION_ID: emu.subscriptionId,
    EMULATOR_ENDPOINT: emu.endpoint,
    EMULATOR_RESOURCE_GROUP: "rg-e2e",
    EMULATOR_VERSIONS: versions.join(","),
    EMULATOR_UNKNOWN_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
  });
  const host = emu.control.state().systemAssigned[emu.control.state().meta.hostResourceId.toLowerCase()]!;
  expect(result.reports.map((r: any) => r.version)).toEqual(versions);
  for (const r of result.reports) {
    expect(r.created).toBe(7);
    expect(r.replaced).toBe(1);
    expect(r.readMatches).toBe(true);
    expect(r.updatedTags).toEqual({ patched: "yes" });
    // 7 identities at 3 per page.
    expect(r.identityPages).toBe(3);
    expect(r.identityNames).toHaveLength(7);
    expect(r.afterDeleteStatus).toBe(404);
    if (r.version === "2018-11-30") {
      expect(r.createdByType).toBeUndefined();
      expect(r.ficPages).toBeUndefined();
    } else {
      expect(r.ficNames).toEqual(["cred-0", "cred-1", "cred-2", "cred-3", "cred-4"]);
      expect(r.ficPages).toBe(3);
    }
    if (r.version >= "2023") {
      expect(r.createdByType).toBe("ManagedIdentity");
      expect(r.createdBy).toBe(host.principalId);
    }
  }
  expect(result.unknownIdentityError).toContain("No MSI found for specified ClientId/ResourceId.");
  expect(Object.keys(emu.control.state().identities).filter((k) => k.includes("e2e-"))).toEqual([]);
}, 90_000);

it("IMDS protocol, user-assigned identity by client id; unknown identity fails with the service's error", async () => {
  const { identities } = emu.control.seed({ identities: [{ resourceGroup: "rg-e2e", name: "workload" }] });
  const workload = identities[0]!;
  const result = await runChild({
    NODE_EXTRA_CA_CERTS: emu.env["NODE_EXTRA_CA_CERTS"]!,
    AZURE_POD_IDENTITY_AUTHORITY_HOST: emu.env["AZURE_POD_IDENTITY_AUTHORITY_HOST"]!,
    AZURE_SUBSCRIPTION_ID: emu.subscriptionId,
    EMULATOR_ENDPOINT: emu.endpoint,
    EMULATOR_RESOURCE_GROUP: "rg-e2e",
    EMULATOR_VERSIONS: "2023-01-31",
    EMULATOR_CLIENT_ID: workload.clientId,
    EMULATOR_UNKNOWN_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
  });
  expect(result.reports[0].created).toBe(7);
  expect(result.reports[0].readMatches).toBe(true);
  expect(result.reports[0].createdByType).toBe("ManagedIdentity");
  expect(result.reports[0].createdBy).toBe(workload.principalId);
  expect(result.unknownIdentityError).toContain("Description: Identity not found");
}, 90_000);
