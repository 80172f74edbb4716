/**
 * Every sample, run as a child process against one emulator over HTTPS, with the environment the
 * emulator prints (managed identity through its App Service token endpoint).
 */
import { startEmulator, type RunningEmulator } from "arm-managed-identity/emulator";
import { cleanEnv, emulatorEnv, expectSuccess, requireBuiltPackage, runSample } from "./runSample";

let emulator: RunningEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  requireBuiltPackage();
  emulator = await startEmulator({ ficWriteWindowMs: 20 });
  env = emulatorEnv(emulator);
});
afterAll(async () => {
  await emulator?.stop();
});

jest.setTimeout(90_000);

const guid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const identities = (): Array<{ name: string; clientId: string; principalId: string; tags: Record<string, string> }> =>
  Object.values(emulator.control.state().identities);

describe("samples on the emulator", () => {
  it("quickstart creates, reads, tags, lists and deletes an identity", async () => {
    const run = await runSample("quickstart.ts", env);
    expectSuccess(run);
    const created = new RegExp(`^created (quickstart-\\w+): clientId (${guid}), principalId (${guid})$`, "m").exec(run.stdout);
    expect(created).not.toBeNull();
    const name = created![1]!;
    expect(run.stdout).toContain(`got /subscriptions/${emulator.subscriptionId}/resourcegroups/arm-managed-identity-samples/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`);
    expect(run.stdout).toContain('updated tags: {"env":"demo","team":"payments"}');
    expect(run.stdout).toMatch(new RegExp(`^subscription page: .*${name}`, "m"));
    expect(run.stdout).toContain(`in arm-managed-identity-samples: ${name}`);
    expect(run.stdout).toContain(`deleted ${name}`);
    expect(run.stdout).toContain("get after delete: ResourceNotFoundError (HTTP 404, ResourceNotFound)");
    expect(identities().map((i) => i.name)).not.toContain(name);
  });

  it("federated credentials: GitHub branch and environment, Kubernetes service account", async () => {
    const run = await runSample("federatedCredentials.ts", env);
    expectSuccess(run);
    expect(run.stdout).toMatch(new RegExp(`^identity app-deployer: (created|unchanged) \\(clientId ${guid}`, "m"));
    expect(run.stdout).toContain("credential github-main: created (subject repo:contoso/payments-api:ref:refs/heads/main)");
    expect(run.stdout).toContain("credential github-production: created (subject repo:contoso/payments-api:environment:production)");
    expect(run.stdout).toContain("credential aks-payments-worker: created (subject system:serviceaccount:payments:worker)");
    const fics = Object.values(emulator.control.state().fics) as Array<{ name: string; issuer: string; subject: string }>;
    expect(fics.map((f) => [f.name, f.issuer, f.subject]).sort()).toEqual([
      ["aks-payments-worker", "https://westus.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/", "system:serviceaccount:payments:worker"],
      ["github-main", "https://token.actions.githubusercontent.com", "repo:contoso/payments-api:ref:refs/heads/main"],
      ["github-production", "https://token.actions.githubusercontent.com", "repo:contoso/payments-api:environment:production"],
    ]);
  });

  it("system-assigned identity by scope, enabled through the control API", async () => {
    const run = await runSample("systemAssignedIdentity.ts", env);
    expectSuccess(run);
    const scope = `/subscriptions/${emulator.subscriptionId}/resourceGroups/arm-managed-identity-samples/providers/Microsoft.Web/sites/payments-web`;
    expect(run.stdout).toContain("before: no system-assigned identity (ResourceNotFound)");
    const record = Object.values(emulator.control.state().systemAssigned).find((s) => s.scope === scope);
    expect(record).toBeDefined();
    expect(run.stdout).toContain(`principalId ${record!.principalId}, clientId ${record!.clientId}, tenantId ${emulator.tenantId}`);
  });

  it("API version 2022-01-31-preview and a profile pinning userAssignedIdentities", async () => {
    const run = await runSample("apiVersionsAndProfiles.ts", env);
    expectSuccess(run);
    expect(run.stdout).toContain("associated resources (2022-01-31-preview), page 1: worker-1 (microsoft.compute/virtualmachines), worker-2 (microsoft.compute/virtualmachines)\n");
    expect(run.stdout).toContain("associated resources (2022-01-31-preview), page 2: worker-3 (microsoft.compute/virtualmachines)\n");
    expect(run.stdout).toContain('"userAssignedIdentities":"2022-01-31-preview","federatedIdentityCredentials":"2024-11-30"');
    expect(run.stdout).toContain("profile client: 3 associated resources through userAssignedIdentities@2022-01-31-preview");
    expect(run.stdout).toContain("through federatedIdentityCredentials@2024-11-30");
    expect(run.stdout).toContain('apiVersion 2018-11-30: Operation group "federatedIdentityCredentials" is not available in API version 2018-11-30');
  });

  it("from inside a VM: system-assigned, then user-assigned by client id, object id and resource id", async () => {
    const run = await runSample("fromInsideAVm.ts", env);
    expectSuccess(run);
    const host = Object.values(emulator.control.state().systemAssigned).find((s) => s.scope === emulator.control.state().meta.hostResourceId)!;
    expect(run.stdout).toContain(`system-assigned identity: clientId ${host.clientId}, objectId ${host.principalId}`);
    expect(run.stdout).toContain(`subscriptions it can see: ${emulator.subscriptionId} (Emulator Subscription)`);
    const vm = identities().find((i) => i.name === "vm-workload")!;
    expect(vm).toBeDefined();
    for (const way of ["client id", "object id", "resource id"]) {
      expect(run.stdout).toContain(`user-assigned by ${way}: clientId ${vm.clientId}, objectId ${vm.principalId} — the expected identity`);
    }
    expect(run.stdout).toMatch(/^listed as vm-workload: \d+ user-assigned identities$/m);
  });

  it("managed-identity auth to a backend: audience checked, token cached, ignoreError", async () => {
    const run = await runSample("backendAuth.ts", { ...env, AZURE_LOG_LEVEL: "verbose" });
    expectSuccess(run);
    const host = Object.values(emulator.control.state().systemAssigned).find((s) => s.scope === emulator.control.state().meta.hostResourceId)!;
    expect(run.stdout).toContain(`policy call 1: HTTP 200 {"caller":{"clientId":"${host.clientId}","objectId":"${host.principalId}"},"path":"/orders"}`);
    expect(run.stdout).toMatch(/^policy call 2: HTTP 200 .* \(same token as call 1: served from the policy's cache\)$/m);
    // Two calls through the policy, one token acquisition.
    const acquisitions = run.stderr.match(/Acquired a token for resource "api:\/\/arm-managed-identity-sample-backend" with the system-assigned managed identity/g) ?? [];
    expect(acquisitions).toHaveLength(1);
    const caller = identities().find((i) => i.name === "backend-caller")!;
    expect(run.stdout).toContain(`fetch as user-assigned ${caller.clientId}: HTTP 200 {"caller":{"clientId":"${caller.clientId}","objectId":"${caller.principalId}"},"path":"/invoices"}`);
    expect(run.stdout).toContain('token for api://some-other-backend: HTTP 401 {"error":"wrong audience api://some-other-backend"}');
    expect(run.stdout).toContain("without ignoreError: ManagedIdentityTokenError, request not sent (backend requests: 0)");
    expect(run.stdout).toContain('with ignoreError: sent without a token, backend answered HTTP 401 {"error":"no bearer token"}');
  });

  it("sovereign clouds: endpoint and token scope per cloud, without network", async () => {
    const run = await runSample("sovereignClouds.ts", cleanEnv());
    expectSuccess(run);
    for (const [cloud, host] of [
      ["AzureChinaCloud", "management.chinacloudapi.cn"],
      ["AzureUSGovernment", "management.usgovcloudapi.net"],
      ["AzurePublicCloud", "management.azure.com"],
    ]) {
      expect(run.stdout).toContain(
        `${cloud}:\n  request     GET https://${host}/providers/Microsoft.ManagedIdentity/operations?api-version=2026-05-31\n  token scope https://${host}/.default\n`,
      );
    }
  });
});

describe("samples on their own", () => {
  it("without any Azure or emulator variable, a sample starts an embedded emulator and runs against it", async () => {
    const run = await runSample("quickstart.ts", cleanEnv());
    expectSuccess(run);
    expect(run.stdout).toMatch(/^No ARM_MANAGED_IDENTITY_ENDPOINT or AZURE_SUBSCRIPTION_ID: running on an embedded emulator at https:\/\/127\.0\.0\.1:\d+\.$/m);
    expect(run.stdout).toContain("quickstart done");
    // It was not this test's emulator.
    expect(run.stdout).not.toContain(emulator.subscriptionId);
  });

  it("a sample that cannot run says why and exits non-zero", async () => {
    const run = await runSample("systemAssignedIdentity.ts", { ...cleanEnv(), AZURE_SUBSCRIPTION_ID: emulator.subscriptionId });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Sample failed: Error: Pass the resource id of a resource with a system-assigned identity as the first argument.");
  });
});
