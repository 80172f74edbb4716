/**
 * Quickstart: create a user-assigned identity, read it, change its tags, list identities by
 * subscription and by resource group (page by page), and delete it.
 *
 * Run: npm run sample:quickstart
 */
// #region snippet
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { ManagedServiceIdentityClient } from "arm-managed-identity";
// #endregion
import { ResourceNotFoundError } from "arm-managed-identity";
import { ensureResourceGroup, resourceGroup, runSample, subscriptionId as sampleSubscriptionId } from "./shared/sampleEnvironment.js";

async function main(): Promise<void> {
  const subscriptionId = sampleSubscriptionId();
  const rg = resourceGroup;
  const name = `quickstart-${Date.now().toString(36)}`;
  // #region snippet
  // On the emulator: its ARM endpoint and its managed identity. Otherwise: Azure and DefaultAzureCredential.
  const endpoint = process.env.ARM_MANAGED_IDENTITY_ENDPOINT;
  const credential = endpoint ? new ManagedIdentityCredential() : new DefaultAzureCredential();
  const client = new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint });
  // #endregion
  await ensureResourceGroup(credential);

  // #region snippet
  const created = await client.userAssignedIdentities.createOrUpdate(rg, name, { location: "westus", tags: { env: "demo" } });
  console.log(`created ${created.name}: clientId ${created.clientId}, principalId ${created.principalId}`);
  const fetched = await client.userAssignedIdentities.get(rg, name);
  const updated = await client.userAssignedIdentities.update(rg, name, { tags: { ...fetched.tags, team: "payments" } });
  // #endregion
  console.log(`got ${fetched.id}`);
  console.log(`updated tags: ${JSON.stringify(updated.tags)}`);

  // #region snippet
  for await (const page of client.userAssignedIdentities.listBySubscription().byPage({ maxPageSize: 2 })) {
    console.log(`subscription page: ${page.map((identity) => identity.name).join(", ")}`);
  }
  for await (const identity of client.userAssignedIdentities.listByResourceGroup(rg)) console.log(`in ${rg}: ${identity.name}`);
  await client.userAssignedIdentities.delete(rg, name);
  // #endregion
  console.log(`deleted ${name}`);

  try {
    await client.userAssignedIdentities.get(rg, name);
    throw new Error(`${name} is still there after delete`);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundError)) throw error;
    console.log(`get after delete: ${error.name} (HTTP ${error.statusCode}, ${error.code})`);
  }
  console.log("quickstart done");
}

runSample(main);
