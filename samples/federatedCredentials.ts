/**
 * Federated identity credentials for a GitHub Actions workflow (a branch and a deployment
 * environment) and for a Kubernetes service account, written with `ensure`: running the sample
 * again changes nothing, and its output says "unchanged" for every credential.
 *
 * Run: npm run sample:federated-credentials
 * Twice against one persistent emulator: start `npx arm-managed-identity emulator --data-dir ./.emulator`,
 * export the lines it prints plus ARM_MANAGED_IDENTITY_ENDPOINT, and run the sample two times.
 */
// #region snippet
import { ManagedServiceIdentityClient, ResourceNotFoundError, githubActionsFederatedCredential, kubernetesFederatedCredential } from "arm-managed-identity";
import type { FederatedCredentialDefinition } from "arm-managed-identity";
// #endregion
import { armCredential, armEndpoint, ensureResourceGroup, resourceGroup, runSample, subscriptionId } from "./shared/sampleEnvironment.js";

const identityName = "app-deployer";

// #region snippet
/** The credentials the identity should have, by name. */
const wanted: Record<string, FederatedCredentialDefinition> = {
  "github-main": githubActionsFederatedCredential({ owner: "contoso", repository: "payments-api", branch: "main" }),
  "github-production": githubActionsFederatedCredential({ owner: "contoso", repository: "payments-api", environment: "production" }),
  "aks-payments-worker": kubernetesFederatedCredential({
    issuerUrl: "https://westus.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/",
    namespace: "payments",
    serviceAccount: "worker",
  }),
};
// #endregion

async function main(): Promise<void> {
  const credential = armCredential();
  const client = new ManagedServiceIdentityClient(credential, subscriptionId(), { endpoint: armEndpoint });
  // Read first, create only when missing: a second run makes no write.
  let writes = (await ensureResourceGroup(credential)) ? 1 : 0;
  let identity;
  try {
    identity = await client.userAssignedIdentities.get(resourceGroup, identityName);
    console.log(`identity ${identityName}: unchanged (clientId ${identity.clientId})`);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundError)) throw error;
    identity = await client.userAssignedIdentities.createOrUpdate(resourceGroup, identityName, { location: "westus" });
    writes++;
    console.log(`identity ${identityName}: created (clientId ${identity.clientId}, principalId ${identity.principalId})`);
  }

  // #region snippet
  for (const [name, definition] of Object.entries(wanted)) {
    const result = await client.federatedIdentityCredentials.ensure(resourceGroup, identityName, name, definition);
    const outcome = result.created ? "created" : result.updated ? "updated" : "unchanged";
    if (outcome !== "unchanged") writes++;
    console.log(`credential ${name}: ${outcome} (subject ${result.credential.subject})`);
  }
  // #endregion

  const names: string[] = [];
  for await (const fic of client.federatedIdentityCredentials.list(resourceGroup, identityName)) names.push(fic.name ?? "");
  console.log(`${identityName} trusts ${names.length} federated credentials: ${names.sort().join(", ")}`);
  console.log(`writes made: ${writes}`);
}

runSample(main);
