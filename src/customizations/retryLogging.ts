/**
 * A pipeline policy that logs retries under this package's logger: the core retry policies log
 * under core-rest-pipeline's namespace, and throttling should show in the package's own log.
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { logger } from "./logger.js";

/** Name of {@link retryLoggingPolicy}. */
export const retryLoggingPolicyName = "armManagedIdentityRetryLogging";

/**
 * A per-retry pipeline policy that logs a warning on every attempt after the first, so throttling
 * and transient failures show up in the package's own log.
 */
export function retryLoggingPolicy(): PipelinePolicy {
  const attempts = new WeakMap<object, number>();
  return {
    name: retryLoggingPolicyName,
    async sendRequest(request, next) {
      const attempt = (attempts.get(request) ?? 0) + 1;
      attempts.set(request, attempt);
      if (attempt > 1) {
        logger.warning(`Retrying ${request.method} ${request.url.split("?")[0]} (attempt ${attempt}).`);
      }
      return next(request);
    },
  };
}
