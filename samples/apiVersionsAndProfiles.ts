/**
 * Choosing an API version and a profile: a client pinned to 2022-01-31-preview for
 * `listAssociatedResources`, and a profile that keeps 2024-11-30 everywhere except
 * userAssignedIdentities.
 *
 * Run: npm run sample:api-versions
 */
import { ManagedServiceIdentityClient, OperationNotAvailableError, ResourceNotFoundError } from "arm-managed-identity";
import { armCredential, armEndpoint, emulatorControl, ensureResourceGroup, onEmulator, resourceGroup, runSample, subscriptionId } from "./shared/sampleEnvironment.js";

const identityName = "shared-reader";

async function main(): Promise<void> {
  const credential = armCredential();
  await ensureResourceGroup(credential);

  // One API version for every group: the client has exactly that version's groups and models.
  const preview = new ManagedServiceIdentityClient(credential, subscriptionId(), { endpoint: armEndpoint, apiVersion: "2022-01-31-preview" });
  console.log(`apiVersion 2022-01-31-preview: ${JSON.stringify(preview.apiVersions)}`);

  let identity;
  try {
    identity = await preview.userAssignedIdentities.get(resourceGroup, identityName);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundError)) throw error;
    identity = await preview.userAssignedIdentities.createOrUpdate(resourceGroup, identityName, { location: "westus" });
    console.log(`created ${identityName} (clientId ${identity.clientId})`);
  }
  if (onEmulator) {
    // On Azure, the resources an identity is assigned to are whatever uses it; here the emulator is told.
    const sub = subscriptionId();
    await emulatorControl("PUT", "associated-resources", {
      identityId: identity.id,
      resources: [1, 2, 3].map((n) => `/subscriptions/${sub}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/worker-${n}`),
    });
  }
  let pageNumber = 0;
  for await (const page of preview.userAssignedIdentities.listAssociatedResources(resourceGroup, identityName).byPage({ maxPageSize: 2 })) {
    console.log(`associated resources (2022-01-31-preview), page ${++pageNumber}: ${page.map((r) => `${r.name} (${r.type})`).join(", ") || "(none)"}`);
  }

  // A profile: 2024-11-30 by default, userAssignedIdentities pinned to the preview that has listAssociatedResources.
  const pinned = new ManagedServiceIdentityClient(credential, subscriptionId(), {
    endpoint: armEndpoint,
    profile: { default: "2024-11-30", userAssignedIdentities: "2022-01-31-preview" },
  });
  console.log(`profile { default: 2024-11-30, userAssignedIdentities: 2022-01-31-preview }: ${JSON.stringify(pinned.apiVersions)}`);
  let associated = 0;
  for await (const resource of pinned.userAssignedIdentities.listAssociatedResources(resourceGroup, identityName)) {
    associated++;
    void resource;
  }
  console.log(`profile client: ${associated} associated resources through userAssignedIdentities@${pinned.apiVersions.userAssignedIdentities}`);
  let credentials = 0;
  for await (const fic of pinned.federatedIdentityCredentials.list(resourceGroup, identityName)) {
    credentials++;
    void fic;
  }
  console.log(`profile client: ${credentials} federated credentials through federatedIdentityCredentials@${pinned.apiVersions.federatedIdentityCredentials}`);

  // 2018-11-30 predates federated credentials: old.federatedIdentityCredentials does not compile, and
  // JavaScript that reaches it anyway gets an OperationNotAvailableError.
  const old = new ManagedServiceIdentityClient(credential, subscriptionId(), { endpoint: armEndpoint, apiVersion: "2018-11-30" });
  try {
    Reflect.get(old, "federatedIdentityCredentials");
  } catch (error) {
    if (!(error instanceof OperationNotAvailableError)) throw error;
    console.log(`apiVersion 2018-11-30: ${error.message}`);
  }
}

runSample(main);
