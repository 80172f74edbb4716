/**
 * The system-assigned identity of a resource, read by the resource's id (its scope).
 *
 * On the emulator the sample enables one on a made-up web app through the emulator's control API.
 * On Azure, pass the id of a resource that has one:
 *   npm run sample:system-assigned -- /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>
 *
 * Run: npm run sample:system-assigned
 */
import { ManagedServiceIdentityClient, ResourceNotFoundError } from "arm-managed-identity";
import { armCredential, armEndpoint, emulatorControl, onEmulator, resourceGroup, runSample, subscriptionId } from "./shared/sampleEnvironment.js";

async function main(): Promise<void> {
  const scope = process.argv[2] ?? (onEmulator ? `/subscriptions/${subscriptionId()}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/sites/payments-web` : undefined);
  if (!scope) {
    throw new Error("Pass the resource id of a resource with a system-assigned identity as the first argument.");
  }
  // systemAssignedIdentities needs no subscription: the scope names the resource.
  const client = new ManagedServiceIdentityClient(armCredential(), { endpoint: armEndpoint });

  if (onEmulator) {
    try {
      await client.systemAssignedIdentities.getByScope(scope);
      console.log(`${scope}: already has a system-assigned identity`);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError)) throw error;
      console.log(`before: no system-assigned identity (${error.code})`);
      await emulatorControl("PUT", "system-assigned", { scope, location: "westus" });
      console.log("enabled a system-assigned identity through the emulator's control API");
    }
  }

  const identity = await client.systemAssignedIdentities.getByScope(scope);
  console.log(`system-assigned identity of ${scope}:`);
  console.log(`  name ${identity.name}, type ${identity.type}`);
  console.log(`  principalId ${identity.principalId}, clientId ${identity.clientId}, tenantId ${identity.tenantId}`);
}

runSample(main);
