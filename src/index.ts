/**
 * Azure Microsoft.ManagedIdentity management client for every published API version.
 *
 * @packageDocumentation
 */
export { apiVersionList, apiVersionSpecs } from "./generated/apiVersions.js";
export type { ApiVersion, ApiVersionSpec, OperationSpec, ModelSpec, ModelPropertySpec } from "./generated/apiVersions.js";
