/**
 * End to end over real HTTPS with this package's ManagedServiceIdentityClient: a child process
 * configured only through the App Service environment the emulator prints signs in with
 * ManagedIdentityCredential and creates, reads, updates, lists (many pages) and deletes identities
 * and federated credentials (createOrUpdate and ensure) on several API versions.
 */
import { join } from "node:path";
import { apiVersionSpecs, type ApiVersion } from "arm-managed-identity";
import { startEmulator, type RunningEmulator } from "arm-managed-identity/emulator";
import { runJsonChild } from "./jsonChild.js";

const VERSIONS: ApiVersion[] = ["2018-11-30", "2022-01-31-preview", "2024-11-30", "2026-05-31"];
const IDENTITIES = 11;
const PAGE_SIZE = 3;

let emu: RunningEmulator;
const child = join(__dirname, "fixtures", "multiVersionClient.ts");

beforeAll(async () => {
  emu = await startEmulator({ ficWriteWindowMs: 10, pageSize: PAGE_SIZE });
  emu.control.seed({ resourceGroups: [{ name: "rg-multi" }] });
});

afterAll(async () => {
  await emu?.stop();
});

function runChild(env: Record<string, string>) {
  return runJsonChild(child, env, 100_000);
}

it("ManagedServiceIdentityClient with ManagedIdentityCredential: identities and federated credentials on four API versions", async () => {
  const result = await runChild({
    NODE_EXTRA_CA_CERTS: emu.env["NODE_EXTRA_CA_CERTS"]!,
    IDENTITY_ENDPOINT: emu.env["IDENTITY_ENDPOINT"]!,
    IDENTITY_HEADER: emu.env["IDENTITY_HEADER"]!,
    AZURE_SUBSCRIPTION_ID: emu.subscriptionId,
    EMULATOR_ENDPOINT: emu.endpoint,
    EMULATOR_RESOURCE_GROUP: "rg-multi",
    EMULATOR_VERSIONS: VERSIONS.join(","),
    EMULATOR_IDENTITY_COUNT: String(IDENTITIES),
  });
  expect(result.reports.map((r: { version: string }) => r.version)).toEqual(VERSIONS);
  // The token came from the App Service endpoint: the host's system-assigned identity.
  const host = emu.control.state().systemAssigned[emu.control.state().meta.hostResourceId.toLowerCase()]!;
  for (const r of result.reports) {
    const names = Array.from({ length: IDENTITIES }, (_, i) => `multi-${r.version}-${String(i).padStart(2, "0")}`);
    expect(r.createStatuses).toEqual([...names.map(() => 201), 200]);
    // systemData (from 2023-01-31 on) names the caller ARM saw.
    if (r.version >= "2023") expect(r.createdBy).toEqual({ type: "ManagedIdentity", id: host.principalId });
    else expect(r.createdBy).toBeUndefined();
    expect(r.readClientIdMatches).toBe(true);
    expect(r.updatedTags).toEqual({ patched: "yes" });
    expect(r.keptTagsAfterUpdate).toEqual({ keep: "me" });
    // Server pages of PAGE_SIZE, in id order, each identity once.
    expect(r.groupPages).toBe(Math.ceil(IDENTITIES / PAGE_SIZE));
    expect(r.groupNames).toEqual(names);
    // Client pages of at most 2 cut from server pages of 3 (2 + 1 each); resuming after page 2 gives the rest.
    expect(r.subscriptionPageSizes).toEqual([2, 1, 2, 1, 2, 1, 2]);
    expect(r.subscriptionNames).toEqual(names);
    expect(r.resumedNames).toEqual(names.slice(3));
    expect(r.deletedReadError).toEqual({ name: "ResourceNotFoundError", statusCode: 404 });
    expect(r.remainingAfterDelete).toEqual([]);

    if (!apiVersionSpecs[r.version as ApiVersion].groups["federatedIdentityCredentials"]) {
      expect(r.fic).toBeUndefined();
      continue;
    }
    expect(r.fic.created).toEqual(["cred-0", "cred-1", "cred-2", "cred-3"]);
    expect(r.fic.read).toEqual({ issuer: "https://token.actions.githubusercontent.com", subject: "repo:org/app:environment:env-1", audiences: ["api://AzureADTokenExchange"] });
    expect(r.fic.replaced).toEqual({ subject: "repo:org/app:ref:refs/heads/main" });
    expect(r.fic.ensureSame).toEqual({ created: false, updated: false, name: "cred-2" });
    expect(r.fic.ensureNew).toEqual({ created: true, updated: false, name: "cred-4" });
    expect(r.fic.ensureRenamed).toEqual({ created: false, updated: true, subject: "repo:org/app:environment:production" });
    expect(r.fic.listNames).toEqual(["cred-0", "cred-1", "cred-2", "cred-3", "cred-4"]);
    expect(r.fic.listPages).toBe(2);
    expect(r.fic.afterDeleteNames).toEqual(["cred-0", "cred-1", "cred-3", "cred-4"]);
    expect(r.fic.deletedReadError).toEqual({ name: "ResourceNotFoundError", statusCode: 404 });
  }
  // The emulator's own state agrees: every identity and credential the child made is gone.
  const state = emu.control.state();
  expect(Object.keys(state.identities).filter((k) => k.includes("/multi-"))).toEqual([]);
  expect(Object.keys(state.fics).filter((k) => k.includes("/multi-"))).toEqual([]);
}, 120_000);
