/**
 * Type-level tests, checked by `npm run typecheck` (never executed): which groups, operations and
 * models a client has follows from its `apiVersion` or `profile`. Every `@ts-expect-error` line must
 * stay an error.
 */
import type { TokenCredential } from "@azure/core-auth";
import { KnownProfiles, ManagedServiceIdentityClient } from "../../src/index.js";
import type { Identity as Identity20241130 } from "../../src/generated/2024-11-30/index.js";
import type { Identity as Identity20230131 } from "../../src/generated/2023-01-31/index.js";

declare const credential: TokenCredential;
const subscriptionId = "6a1b0d4e-3f0c-4c8e-9c43-0d3a7c2b1e55";

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

export async function versionedGroups(): Promise<void> {
  const v2018 = new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2018-11-30" });
  v2018.userAssignedIdentities.listBySubscription();
  // @ts-expect-error federated identity credentials start with 2022-01-31-preview
  v2018.federatedIdentityCredentials;
  // @ts-expect-error listAssociatedResources only exists in 2021-09-30-preview and 2022-01-31-preview
  v2018.userAssignedIdentities.listAssociatedResources("rg", "id");

  const preview = new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2022-01-31-preview" });
  preview.userAssignedIdentities.listAssociatedResources("rg", "id", { top: 10, filter: "name eq 'x'" });
  preview.federatedIdentityCredentials.list("rg", "id", { top: 5 });
  // @ts-expect-error revokeTokens only exists in 2023-07-31-preview
  preview.userAssignedIdentities.revokeTokens("rg", "id");

  const revoke = new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2023-07-31-preview" });
  await revoke.userAssignedIdentities.revokeTokens("rg", "id");

  // Models are the version's models: no isolationScope before 2024-11-30.
  const v2023 = new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2023-01-31" });
  const old = await v2023.userAssignedIdentities.get("rg", "id");
  assertType<Equals<typeof old, Identity20230131>>();
  // @ts-expect-error isolationScope arrived in 2024-11-30
  old.isolationScope;
  await v2023.userAssignedIdentities.createOrUpdate("rg", "id", {
    location: "westeurope",
    // @ts-expect-error isolationScope arrived in 2024-11-30
    isolationScope: "Regional",
  });
  const v2024 = new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2024-11-30" });
  const current = await v2024.userAssignedIdentities.get("rg", "id");
  assertType<Equals<typeof current, Identity20241130>>();
  current.isolationScope;

  // Flexible credentials exist only in 2025-01-31-preview.
  const flexible = new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2025-01-31-preview" });
  await flexible.flexibleFederatedIdentityCredentials.get("rg", "id", "fic");
  // @ts-expect-error the flexible group has no delete
  flexible.flexibleFederatedIdentityCredentials.delete("rg", "id", "fic");
  // @ts-expect-error no stable version has flexible credentials, so Latest lacks them
  v2024.flexibleFederatedIdentityCredentials;
}

export async function profiles(): Promise<void> {
  const latest = new ManagedServiceIdentityClient(credential, subscriptionId);
  assertType<Equals<typeof latest.apiVersions.userAssignedIdentities, "2026-05-31">>();
  latest.federatedIdentityCredentials.list("rg", "id");
  // @ts-expect-error Latest has no flexible credentials
  latest.flexibleFederatedIdentityCredentials;

  const latestPreview = new ManagedServiceIdentityClient(credential, subscriptionId, { profile: KnownProfiles.LatestPreview });
  assertType<Equals<typeof latestPreview.apiVersions.flexibleFederatedIdentityCredentials, "2025-01-31-preview">>();
  await latestPreview.flexibleFederatedIdentityCredentials.get("rg", "id", "fic");

  // What the Azure CLI needs: 2024-11-30 everywhere, listAssociatedResources from the preview.
  const pinned = new ManagedServiceIdentityClient(credential, subscriptionId, {
    profile: { default: "2024-11-30", userAssignedIdentities: "2022-01-31-preview" },
  });
  pinned.userAssignedIdentities.listAssociatedResources("rg", "id");
  assertType<Equals<typeof pinned.apiVersions.federatedIdentityCredentials, "2024-11-30">>();
  const fic = await pinned.federatedIdentityCredentials.ensure("rg", "id", "fic", { issuer: "https://issuer", subject: "s" });
  fic.created;
  // @ts-expect-error the default version has no flexible credentials
  pinned.flexibleFederatedIdentityCredentials;

  const defaultOnly = new ManagedServiceIdentityClient(credential, { profile: { default: "2018-11-30" } });
  await defaultOnly.operations.list().next();
  // @ts-expect-error the default version has no federated credentials
  defaultOnly.federatedIdentityCredentials;

  // @ts-expect-error apiVersion and profile are mutually exclusive
  new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2024-11-30", profile: "Latest" });
  // @ts-expect-error not an API version
  new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2024-12-01" });
  // @ts-expect-error not an operation group
  new ManagedServiceIdentityClient(credential, subscriptionId, { profile: { identities: "2024-11-30" } });
  // @ts-expect-error 2018-11-30 has no federated identity credentials to pin
  new ManagedServiceIdentityClient(credential, subscriptionId, { profile: { federatedIdentityCredentials: "2018-11-30" } });
  // @ts-expect-error flexible credentials exist only in 2025-01-31-preview
  new ManagedServiceIdentityClient(credential, subscriptionId, { profile: { flexibleFederatedIdentityCredentials: "2025-05-31-preview" } });
  new ManagedServiceIdentityClient(credential, subscriptionId, { profile: { federatedIdentityCredentials: "2022-01-31-preview", flexibleFederatedIdentityCredentials: "2025-01-31-preview" } });
}

export async function nonLiteralOptions(options: { apiVersion?: "2018-11-30" | "2024-11-30" }, version: "2018-11-30" | "2024-11-30"): Promise<void> {
  // Either version may be in use: only what both have is typed as present.
  const either = new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: version });
  await either.userAssignedIdentities.get("rg", "id");
  // @ts-expect-error 2018-11-30 has no federated identity credentials
  either.federatedIdentityCredentials;

  // An optional apiVersion may be unset (Latest) or either version.
  const maybe = new ManagedServiceIdentityClient(credential, subscriptionId, options);
  await maybe.userAssignedIdentities.get("rg", "id");
  // @ts-expect-error 2018-11-30 has no federated identity credentials
  maybe.federatedIdentityCredentials;
}
