/**
 * Sovereign clouds: a client for Azure operated by 21Vianet (China), Azure US Government, or any
 * other cloud by its endpoints. Nothing here goes over the network: the credential and the HTTP
 * client below only record what the client asks for, to show the endpoint and token scope it uses.
 *
 * Run: npm run sample:sovereign-clouds
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createHttpHeaders, type HttpClient } from "@azure/core-rest-pipeline";
import { KnownAzureClouds, ManagedServiceIdentityClient } from "arm-managed-identity";
import type { AzureCloudEndpoints, AzureCloudName } from "arm-managed-identity";

/** Records the scopes it is asked for; its token is only good for the recording HTTP client. */
class RecordingCredential implements TokenCredential {
  readonly scopes: string[] = [];
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...([] as string[]).concat(scopes));
    return { token: "recorded", expiresOnTimestamp: Date.now() + 3600_000 };
  }
}

/** Answers every request with an empty list, remembering the URLs. */
function recordingHttpClient(urls: string[]): HttpClient {
  return {
    async sendRequest(request) {
      urls.push(`${request.method} ${request.url}`);
      return { request, status: 200, headers: createHttpHeaders({ "content-type": "application/json" }), bodyAsText: '{"value":[]}' };
    },
  };
}

async function show(label: string, cloud: AzureCloudName | AzureCloudEndpoints): Promise<void> {
  const credential = new RecordingCredential();
  const urls: string[] = [];
  const client = new ManagedServiceIdentityClient(credential, { cloud, httpClient: recordingHttpClient(urls) });
  for await (const operation of client.operations.list()) void operation;
  console.log(`${label}:`);
  console.log(`  request     ${urls[0]}`);
  console.log(`  token scope ${credential.scopes[0]}`);
}

async function main(): Promise<void> {
  for (const name of Object.keys(KnownAzureClouds) as AzureCloudName[]) {
    await show(name, name);
  }
  // Any other cloud (Azure Stack Hub, a private endpoint…) by its endpoints.
  await show("custom cloud", { resourceManagerEndpoint: "https://management.local.azurestack.external", credentialScope: "https://management.adfs.azurestack.local/.default" });
}

main().catch((error: unknown) => {
  console.error(`Sample failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
