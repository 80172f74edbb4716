/**
 * Local, stateful emulator of Microsoft.ManagedIdentity: an HTTPS ARM endpoint for every API
 * version, managed-identity token endpoints, an in-process transport and a control API.
 *
 * @packageDocumentation
 */
export { startEmulator, createEmulator } from "./server.js";
export type { StartEmulatorOptions, RunningEmulator, InProcessEmulator, TokenEndpoints } from "./server.js";
export { EmulatorEngine, CONTROL_PREFIX } from "./engine.js";
export type { EngineOptions } from "./engine.js";
export { EmulatorControl } from "./control.js";
export type { SeedData, SeedResult } from "./control.js";
export { createEmulatorHttpClient } from "./httpClient.js";
export { createCertificates, loadOrCreateCertificates } from "./certificates.js";
export type { EmulatorCertificates } from "./certificates.js";
export type { FaultKind, FaultOptions } from "./faults.js";
export { DOCUMENTED_LIMITS } from "./throttling.js";
export type { ThrottleClass, ThrottleLimit, ThrottleOptions } from "./throttling.js";
export { ArmError } from "./errors.js";
export type { ArmErrorBody } from "./errors.js";
export type { EmulatorRequest, EmulatorResponse } from "./context.js";
export type { AssociatedResource, IdentityRecord, FicRecord, ResourceGroupRecord, SystemAssignedRecord, SubscriptionRecord, SystemData } from "./store.js";
export { APP_SERVICE_PATH, IMDS_PATH } from "./tokenEndpoints.js";
