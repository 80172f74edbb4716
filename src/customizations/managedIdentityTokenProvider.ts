import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createAbortError, raceAbort, type AbortSignalLike } from "./abort.js";
import { logger } from "./logger.js";
import type { ResolvedManagedIdentityAuthOptions } from "./managedIdentityAuthOptions.js";

/**
 * Thrown (or rejected with) when no managed-identity token could be acquired for a request and
 * `ignoreError` is not set. The request it was for has not been sent.
 */
export class ManagedIdentityTokenError extends Error {
  /** The backend the token was for, as given in the options. */
  readonly resource: string;
  /** The identity that was asked for a token, in words. */
  readonly identity: string;

  /**
   * @param message - What went wrong.
   * @param resource - The backend the token was for.
   * @param identity - The identity that was asked for a token, in words.
   * @param cause - The credential's error, if any.
   */
  constructor(message: string, resource: string, identity: string, cause?: unknown) {
    super(message, { cause });
    this.name = "ManagedIdentityTokenError";
    this.resource = resource;
    this.identity = identity;
  }
}

/** Acquires, caches and refreshes the token for one backend, shared by all requests that use it. */
export interface ManagedIdentityTokenProvider {
  /**
   * The token to attach to one request: cached, or acquired if the cache is empty or due for refresh.
   * Concurrent callers share a single acquisition.
   *
   * @param abortSignal - Stops this caller's wait (not the shared acquisition).
   * @returns The token, or `undefined` when none could be had and `ignoreError` is set.
   * @throws {@link ManagedIdentityTokenError} when none could be had and `ignoreError` is not set;
   * an `AbortError` when `abortSignal` fires first.
   */
  getTokenForRequest(abortSignal?: AbortSignalLike): Promise<AccessToken | undefined>;
}

const WAIT_ABORTED = "The request was aborted while waiting for a managed-identity token.";

// @azure/identity (with MSAL) is loaded only when a default credential is first needed: importing
// it up front more than doubled the package's cold start, for a feature most clients never use.
async function createDefaultCredential(options: ResolvedManagedIdentityAuthOptions): Promise<TokenCredential> {
  const { ManagedIdentityCredential } = await import("@azure/identity");
  const id = options.identityId;
  switch (id.kind) {
    case "system":
      return new ManagedIdentityCredential();
    case "clientId":
      return new ManagedIdentityCredential({ clientId: id.value });
    case "resourceId":
      return new ManagedIdentityCredential({ resourceId: id.value });
    case "objectId":
      return new ManagedIdentityCredential({ objectId: id.value });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Creates the token provider behind the policy and the fetch wrapper.
 *
 * @param options - Validated options.
 * @returns A provider holding its own cache.
 */
export function createManagedIdentityTokenProvider(options: ResolvedManagedIdentityAuthOptions): ManagedIdentityTokenProvider {
  const { resource, scope, identity, ignoreError, onToken, refreshBeforeExpiryInMs } = options;
  // Built on first use, so that an environment without managed identity fails per request (and
  // honours ignoreError) rather than when the policy is created.
  let credential = options.credential;
  let cached: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;

  const isDue = (token: AccessToken, now: number): boolean =>
    now >= token.expiresOnTimestamp - refreshBeforeExpiryInMs ||
    (token.refreshAfterTimestamp !== undefined && now >= token.refreshAfterTimestamp);

  async function acquire(): Promise<AccessToken> {
    let token: AccessToken | null;
    try {
      credential ??= await createDefaultCredential(options);
      token = await credential.getToken(scope);
    } catch (error: unknown) {
      logger.warning(`Could not get a token for resource "${resource}" with ${identity}: ${errorMessage(error)}`);
      throw new ManagedIdentityTokenError(
        `Could not get a managed-identity token for resource "${resource}" with ${identity}: ${errorMessage(error)}`,
        resource,
        identity,
        error,
      );
    }
    if (!token || typeof token.token !== "string" || token.token.length === 0 || !Number.isFinite(token.expiresOnTimestamp)) {
      logger.warning(`The credential returned no usable token for resource "${resource}" with ${identity}.`);
      throw new ManagedIdentityTokenError(
        `Could not get a managed-identity token for resource "${resource}" with ${identity}: the credential returned no usable token.`,
        resource,
        identity,
      );
    }
    cached = token;
    logger.verbose(
      `Acquired a token for resource "${resource}" with ${identity}, expiring at ${new Date(token.expiresOnTimestamp).toISOString()}.`,
    );
    return token;
  }

  // One acquisition at a time; it is forgotten once settled, so a failure is retried by the next request.
  function sharedAcquisition(): Promise<AccessToken> {
    if (!pending) {
      const current = acquire();
      pending = current;
      const forget = (): void => {
        if (pending === current) {
          pending = undefined;
        }
      };
      current.then(forget, forget);
    }
    return pending;
  }

  async function getToken(abortSignal?: AbortSignalLike): Promise<AccessToken | undefined> {
    if (abortSignal?.aborted) {
      throw createAbortError(WAIT_ABORTED);
    }
    const previous = cached;
    if (previous && !isDue(previous, Date.now())) {
      return previous;
    }
    try {
      // ManagedIdentityCredential ignores abort signals, and the acquisition is shared anyway: only
      // the caller's wait can be cut short.
      return await raceAbort(sharedAcquisition(), abortSignal, WAIT_ABORTED);
    } catch (error: unknown) {
      if (!(error instanceof ManagedIdentityTokenError)) {
        throw error;
      }
      if (previous && Date.now() < previous.expiresOnTimestamp) {
        logger.warning(`Using the cached token for resource "${resource}" until it expires, as refreshing it failed.`);
        return previous;
      }
      if (ignoreError) {
        logger.warning(`Sending the request without a token for resource "${resource}", as ignoreError is set.`);
        return undefined;
      }
      throw error;
    }
  }

  return {
    async getTokenForRequest(abortSignal?: AbortSignalLike): Promise<AccessToken | undefined> {
      const token = await getToken(abortSignal);
      if (token && onToken) {
        onToken(token.token, token.expiresOnTimestamp);
      }
      return token;
    },
  };
}
