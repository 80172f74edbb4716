/**
 * Type-level test, checked by `npm run typecheck`: switching from `@azure/arm-msi` 2.2.0 (API
 * version 2024-11-30) is an import change — our groups built for 2024-11-30 satisfy its operation
 * interfaces, and the constructor accepts its call shapes.
 */
import type { TokenCredential } from "@azure/core-auth";
import type * as armMsi from "@azure/arm-msi";
import { ManagedServiceIdentityClient } from "../../src/index.js";

declare const credential: TokenCredential;

const client = new ManagedServiceIdentityClient(credential, "6a1b0d4e-3f0c-4c8e-9c43-0d3a7c2b1e55", { apiVersion: "2024-11-30" });
export const userAssignedIdentities: armMsi.UserAssignedIdentities = client.userAssignedIdentities;
export const federatedIdentityCredentials: armMsi.FederatedIdentityCredentials = client.federatedIdentityCredentials;
export const systemAssignedIdentities: armMsi.SystemAssignedIdentities = client.systemAssignedIdentities;
export const operations: armMsi.Operations = client.operations;

// The default profile's groups (2026-05-31) also satisfy them.
const latest = new ManagedServiceIdentityClient(credential, "6a1b0d4e-3f0c-4c8e-9c43-0d3a7c2b1e55");
export const latestUserAssignedIdentities: armMsi.UserAssignedIdentities = latest.userAssignedIdentities;
export const latestFederatedIdentityCredentials: armMsi.FederatedIdentityCredentials = latest.federatedIdentityCredentials;

// The options of @azure/arm-msi (minus apiVersion, which is ours) are accepted as they are,
// $host and baseUri included (they set the endpoint).
declare const armOptions: Omit<armMsi.ManagedServiceIdentityClientOptionalParams, "apiVersion" | "credential" | "pipeline" | "requestContentType">;
export const fromArmOptions = new ManagedServiceIdentityClient(credential, "6a1b0d4e-3f0c-4c8e-9c43-0d3a7c2b1e55", armOptions);
export const withoutSubscription = new ManagedServiceIdentityClient(credential);
