/**
 * The package's `@azure/logger` logger, in one place so every file logs under one namespace.
 */
import { createClientLogger } from "@azure/logger";

/**
 * The package's logger (namespace `arm-managed-identity`). Enable it with the `AZURE_LOG_LEVEL`
 * environment variable or `setLogLevel` from `@azure/logger`.
 */
export const logger = createClientLogger("arm-managed-identity");
