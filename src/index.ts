/**
 * Azure Microsoft.ManagedIdentity management client for every published API version.
 *
 * @packageDocumentation
 */
export { apiVersionList, apiVersionSpecs } from "./generated/apiVersions.js";
export type { ApiVersion, ApiVersionSpec, GeneratedModules, OperationSpec, ModelSpec, ModelPropertySpec } from "./generated/apiVersions.js";
export { ManagedServiceIdentityClient } from "./customizations/client.js";
export type {
  ExclusiveVersionOptions,
  ManagedServiceIdentityClientConstructor,
  ManagedServiceIdentityClientOptions,
  ManagedServiceIdentityClientProperties,
} from "./customizations/client.js";
export { KnownProfiles, resolveGroupVersions } from "./customizations/profiles.js";
export type {
  ApiProfile,
  GeneratedClientOf,
  GroupVersions,
  KnownProfile,
  LatestPreviewProfileVersions,
  LatestProfileVersions,
  OperationGroupName,
  OperationGroupsOf,
  ProfileOptions,
  ProfileVersions,
  ResolvedGroupVersions,
  VersionIfHasGroup,
} from "./customizations/profiles.js";
export { KnownAzureClouds } from "./customizations/clouds.js";
export type { AzureCloudEndpoints, AzureCloudName, CloudOptions } from "./customizations/clouds.js";
export { OperationNotAvailableError } from "./customizations/operationGroups.js";
export type {
  ClientOperationGroups,
  FederatedIdentityCredentialModel,
  FederatedIdentityCredentialsEnsure,
  FederatedIdentityCredentialsOperations,
  GeneratedOperationGroup,
  OperationGroup,
} from "./customizations/operationGroups.js";
export { getContinuationToken } from "./customizations/paging.js";
export { logger } from "./customizations/logger.js";
export * from "./customizations/validation.js";
export * from "./customizations/errors.js";
export * from "./customizations/federatedCredentials.js";
export * from "./customizations/subjects.js";
export * from "./customizations/managedIdentityAuth.js";
