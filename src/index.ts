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
  VersionsHaving,
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
export type { PagedAsyncIterableIterator, PageSettings } from "@azure/core-paging";
export { logger } from "./customizations/logger.js";
export {
  ManagedIdentityValidationError,
  validateFederatedCredential,
  validateFederatedCredentialName,
  validateFederatedCredentialProperties,
  validateIdentity,
  validateIdentityName,
  validateIssuerUrl,
  validateResourceGroupName,
  validateScope,
  validateSubscriptionId,
  validateTags,
} from "./customizations/validation.js";
export type { ValidateIdentityOptions } from "./customizations/validation.js";
export {
  AuthenticationFailedError,
  BadRequestError,
  ConcurrentFederatedCredentialWriteError,
  isConcurrentFederatedCredentialWriteError,
  ManagedIdentityError,
  ResourceConflictError,
  ResourceExistsError,
  ResourceNotFoundError,
  ThrottledError,
} from "./customizations/errors.js";
export type { ArmErrorAdditionalInfo, ArmErrorDetail, ManagedIdentityErrorOptions } from "./customizations/errors.js";
export {
  DEFAULT_FEDERATED_CREDENTIAL_AUDIENCE,
  ensureFederatedIdentityCredential,
  FederatedCredentialWriteQueue,
} from "./customizations/federatedCredentials.js";
export type {
  ClaimsMatchingExpressionLike,
  EnsureFederatedIdentityCredentialOptions,
  EnsureFederatedIdentityCredentialParameters,
  EnsureFederatedIdentityCredentialResult,
  FederatedCredentialLike,
  FederatedCredentialOperations,
  FederatedCredentialRetryOptions,
} from "./customizations/federatedCredentials.js";
export {
  GITHUB_ACTIONS_ISSUER,
  githubActionsFederatedCredential,
  githubActionsSubject,
  kubernetesFederatedCredential,
  kubernetesServiceAccountSubject,
} from "./customizations/subjects.js";
export type {
  FederatedCredentialDefinition,
  GitHubActionsSubjectOptions,
  GitHubRepository,
  KubernetesFederatedCredentialOptions,
} from "./customizations/subjects.js";
export {
  createManagedIdentityFetch,
  managedIdentityAuthPolicy,
  managedIdentityAuthPolicyName,
  ManagedIdentityTokenError,
} from "./customizations/managedIdentityAuth.js";
export type { FetchFunction, ManagedIdentityAuthOptions, ManagedIdentityFetchOptions } from "./customizations/managedIdentityAuth.js";
