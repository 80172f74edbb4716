/**
 * From inside a VM (or any host with managed identity): authenticate with
 * `ManagedIdentityCredential` as the system-assigned identity, then as a user-assigned identity by
 * client id, by object id and by resource id; discover the subscriptions the identity can see
 * (`GET /subscriptions`, a plain pipeline call) and list the identities in one.
 *
 * On Azure, run it on the VM; pass the resource id of a user-assigned identity attached to the VM
 * to try the three user-assigned forms:
 *   npm run sample:vm -- /subscriptions/<id>/resourcegroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>
 * On the emulator, the emulated host plays the VM and the sample creates the user-assigned identity.
 *
 * Run: npm run sample:vm
 */
import type { TokenCredential } from "@azure/core-auth";
import { ServiceClient } from "@azure/core-client";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { ManagedIdentityCredential } from "@azure/identity";
import { ManagedServiceIdentityClient, ResourceNotFoundError } from "arm-managed-identity";
import { armEndpoint, decodeJwtClaims, ensureResourceGroup, onEmulator, resourceGroup, resourceManagerEndpoint, resourceManagerScope, runSample } from "./shared/sampleEnvironment.js";

interface Subscription {
  subscriptionId: string;
  displayName?: string;
}

/** `GET /subscriptions`, following nextLink: the subscriptions the credential's identity can see. */
async function listSubscriptions(credential: TokenCredential): Promise<Subscription[]> {
  const client = new ServiceClient({ credential, credentialScopes: [resourceManagerScope], endpoint: resourceManagerEndpoint });
  const subscriptions: Subscription[] = [];
  let url: string | undefined = `${resourceManagerEndpoint}/subscriptions?api-version=2022-12-01`;
  while (url) {
    const response = await client.sendRequest(createPipelineRequest({ url, method: "GET" }));
    if (response.status !== 200) throw new Error(`GET /subscriptions answered ${response.status}: ${response.bodyAsText ?? ""}`);
    const body = JSON.parse(response.bodyAsText ?? "{}") as { value?: Subscription[]; nextLink?: string };
    subscriptions.push(...(body.value ?? []));
    url = body.nextLink;
  }
  return subscriptions;
}

/** Who a credential authenticates as, from the claims of its Resource Manager token. */
async function whoAmI(credential: TokenCredential): Promise<{ appid: string; oid: string; mirid: string }> {
  const token = await credential.getToken(resourceManagerScope);
  if (!token) throw new Error("The credential returned no token.");
  const claims = decodeJwtClaims(token.token);
  return { appid: String(claims.appid), oid: String(claims.oid), mirid: String(claims.xms_mirid ?? "") };
}

async function listIdentities(credential: TokenCredential, subscriptionId: string): Promise<string[]> {
  const client = new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint: armEndpoint });
  const names: string[] = [];
  for await (const identity of client.userAssignedIdentities.listBySubscription()) names.push(identity.name ?? "");
  return names;
}

async function main(): Promise<void> {
  // No id: the host's system-assigned identity.
  const systemAssigned = new ManagedIdentityCredential();
  const host = await whoAmI(systemAssigned);
  console.log(`system-assigned identity: clientId ${host.appid}, objectId ${host.oid}${host.mirid ? `, resource ${host.mirid}` : ""}`);

  const subscriptions = await listSubscriptions(systemAssigned);
  console.log(`subscriptions it can see: ${subscriptions.map((s) => `${s.subscriptionId} (${s.displayName ?? ""})`).join(", ") || "(none)"}`);
  const subscription = subscriptions[0];
  if (!subscription) throw new Error("The identity sees no subscription: give it a role (e.g. Reader) on one.");
  const names = await listIdentities(systemAssigned, subscription.subscriptionId);
  console.log(`user-assigned identities in ${subscription.subscriptionId}: ${names.length} (${names.join(", ")})`);

  let resourceId: string | undefined = process.argv[2];
  if (!resourceId && onEmulator) {
    await ensureResourceGroup(systemAssigned);
    const client = new ManagedServiceIdentityClient(systemAssigned, subscription.subscriptionId, { endpoint: armEndpoint });
    const name = "vm-workload";
    const existing = await client.userAssignedIdentities.get(resourceGroup, name).catch((error: unknown) => {
      if (error instanceof ResourceNotFoundError) return undefined;
      throw error;
    });
    const identity = existing ?? (await client.userAssignedIdentities.createOrUpdate(resourceGroup, name, { location: "westus" }));
    resourceId = identity.id;
    console.log(`${existing ? "using" : "created"} user-assigned identity ${name} for the VM`);
  }
  if (!resourceId) {
    console.log("No user-assigned identity given: pass its resource id to authenticate as it too.");
    return;
  }

  // Read the identity's client id and object id, then authenticate as it in the three ways.
  const parts = resourceId.split("/");
  const lookup = new ManagedServiceIdentityClient(systemAssigned, parts[2] ?? "", { endpoint: armEndpoint });
  const identity = await lookup.userAssignedIdentities.get(parts[4] ?? "", parts[8] ?? "");
  const byClientId = new ManagedIdentityCredential({ clientId: identity.clientId ?? "" });
  const ways: Array<[string, TokenCredential]> = [
    ["client id", byClientId],
    ["object id", new ManagedIdentityCredential({ objectId: identity.principalId ?? "" })],
    ["resource id", new ManagedIdentityCredential({ resourceId })],
  ];
  for (const [way, credential] of ways) {
    const who = await whoAmI(credential);
    const same = who.appid === identity.clientId && who.oid === identity.principalId;
    console.log(`user-assigned by ${way}: clientId ${who.appid}, objectId ${who.oid} — ${same ? "the expected identity" : "A DIFFERENT IDENTITY"}`);
    if (!same) throw new Error(`Authenticating by ${way} gave another identity than ${identity.name}.`);
  }
  const seen = await listIdentities(byClientId, subscription.subscriptionId);
  console.log(`listed as ${identity.name}: ${seen.length} user-assigned identities`);
}

runSample(main);
