/** Shared pieces of the client tests: a recording credential and ARM-shaped fixtures. */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

export const subscriptionId = "6a1b0d4e-3f0c-4c8e-9c43-0d3a7c2b1e55";
export const arm = "https://management.azure.com";
export const identityPath = (rg: string, name = "") =>
  `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities${name ? `/${name}` : ""}`;

/** A credential that hands out a fixed token and records the scopes it was asked for. */
export class RecordingCredential implements TokenCredential {
  readonly scopes: string[][] = [];
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.scopes.push(([] as string[]).concat(scopes));
    return { token: "test-token", expiresOnTimestamp: Date.now() + 3600_000 };
  }
}

/** An ARM user-assigned identity resource as the service returns it. */
export function identity(rg: string, name: string): Record<string, unknown> {
  return {
    id: identityPath(rg, name),
    name,
    type: "Microsoft.ManagedIdentity/userAssignedIdentities",
    location: "westeurope",
    properties: { tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", principalId: "2a3b1e4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d", clientId: "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f" },
  };
}
