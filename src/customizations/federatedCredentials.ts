/**
 * Safe federated identity credential writes: a per-identity write queue with the retries the
 * service's concurrency limit calls for, and an idempotent "ensure" for pipelines that re-run.
 */
import { createAbortError, raceAbort } from "./abort.js";
import { isConcurrentFederatedCredentialWriteError } from "./errors.js";
import {
  ManagedIdentityValidationError,
  validateFederatedCredentialName,
  validateFederatedCredentialProperties,
  validateIdentityName,
  validateResourceGroupName,
} from "./validation.js";

/** The audience Microsoft Entra ID expects in federated tokens; the default of `az` and the portal. */
export const DEFAULT_FEDERATED_CREDENTIAL_AUDIENCE = "api://AzureADTokenExchange";

/**
 * Waits between retries of a write refused as concurrent: what deployment tools use against the
 * service (20 s, 60 s, 120 s).
 */
export const DEFAULT_FEDERATED_CREDENTIAL_RETRY_DELAYS_IN_MS: readonly number[] = [20_000, 60_000, 120_000];

/** How {@link FederatedCredentialWriteQueue} retries a write refused as concurrent. */
export interface FederatedCredentialRetryOptions {
  /** Retries after the first attempt; defaults to the number of delays (3). 0 disables retries. */
  maxRetries?: number;
  /** Wait before each retry, in milliseconds; the last one repeats. Defaults to 20 s, 60 s, 120 s. */
  retryDelaysInMs?: number[];
}

/** Waits `ms`, or rejects with an `AbortError` as soon as the signal aborts. */
function delay(ms: number, abortSignal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (abortSignal?.aborted) {
      reject(createAbortError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(createAbortError());
    };
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    abortSignal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Write-queue key of an identity: resource group and identity name, case-insensitively (as ARM
 * compares names).
 * @param resourceGroupName - resource group of the identity
 * @param identityName - name of the user-assigned identity
 */
export function identityKey(resourceGroupName: unknown, identityName: unknown): string {
  return `${String(resourceGroupName)}/${String(identityName)}`.toLowerCase();
}

function noop(): void {
  // Settled either way: only the order matters to the next write.
}

/**
 * Runs federated identity credential writes one identity at a time. The service refuses concurrent
 * writes under one identity (409 `ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity`)
 * but accepts writes on different identities in parallel, so writes with the same key run one after
 * another in call order, and different keys run side by side. A write still refused as concurrent
 * (another process wrote meanwhile) is retried after the configured delays.
 */
export class FederatedCredentialWriteQueue {
  private readonly maxRetries: number;
  private readonly retryDelaysInMs: readonly number[];
  /** Per key, a promise that settles when the last queued write has finished. Idle keys are removed. */
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * @param options - retry count and delays for writes refused as concurrent
   * @throws {@link ManagedIdentityValidationError} when an option is not a non-negative number
   */
  constructor(options: FederatedCredentialRetryOptions = {}) {
    const delays = options?.retryDelaysInMs ?? DEFAULT_FEDERATED_CREDENTIAL_RETRY_DELAYS_IN_MS;
    if (!Array.isArray(delays) || delays.some((ms) => typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)) {
      throw new ManagedIdentityValidationError("retryDelaysInMs", delays, "retry delays must be an array of finite numbers ≥ 0.");
    }
    const maxRetries = options?.maxRetries ?? delays.length;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new ManagedIdentityValidationError("maxRetries", maxRetries, "maxRetries must be an integer ≥ 0.");
    }
    if (maxRetries > 0 && delays.length === 0) {
      throw new ManagedIdentityValidationError("retryDelaysInMs", delays, "at least one retry delay is needed when maxRetries > 0.");
    }
    this.maxRetries = maxRetries;
    this.retryDelaysInMs = [...delays];
  }

  /** Number of identities with a write queued or running (for diagnostics). */
  get activeKeys(): number {
    return this.tails.size;
  }

  /**
   * Queues a write on one identity.
   * @param identityKey - identifies the identity (compared case-insensitively, as ARM compares
   *   names), e.g. its resource id or `resourceGroup/identityName`
   * @param write - performs the write; called when the writes queued before it on this key have
   *   finished, and again for each retry
   * @param abortSignal - aborts the wait in the queue or between retries (rejecting with an
   *   `AbortError`); a write already sent is not cancelled by the queue
   * @returns what `write` returned; rejects with its error when it failed for another reason than
   *   a concurrent write, or when the retries ran out
   */
  run<T>(identityKey: string, write: () => Promise<T>, abortSignal?: AbortSignal): Promise<T> {
    const key = String(identityKey).toLowerCase();
    const previous = this.tails.get(key) ?? Promise.resolve();
    const execution = previous.then(() => {
      if (abortSignal?.aborted) {
        throw createAbortError();
      }
      return this.attempt(write, abortSignal);
    });
    const tail = execution.then(noop, noop);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    });
    return raceAbort(execution, abortSignal);
  }

  private async attempt<T>(write: () => Promise<T>, abortSignal?: AbortSignal): Promise<T> {
    for (let retry = 0; ; retry += 1) {
      try {
        return await write();
      } catch (error) {
        if (retry >= this.maxRetries || !isConcurrentFederatedCredentialWriteError(error)) {
          throw error;
        }
      }
      const wait = this.retryDelaysInMs[Math.min(retry, this.retryDelaysInMs.length - 1)];
      await delay(wait, abortSignal);
    }
  }
}

/** A claims-matching expression (flexible federated credentials, in the API versions that have it). */
export interface ClaimsMatchingExpressionLike {
  /** The expression. */
  value: string;
  /** Version of the expression language. */
  languageVersion: number;
}

/** The federated identity credential fields {@link ensureFederatedIdentityCredential} reads. */
export interface FederatedCredentialLike {
  /** Name of the credential resource. */
  name?: string;
  /** Issuer URL. */
  issuer?: string;
  /** Subject of the external identity. */
  subject?: string;
  /** Audiences. */
  audiences?: string[];
  /** Claims-matching expression, in place of `subject`. */
  claimsMatchingExpression?: ClaimsMatchingExpressionLike;
}

/** What {@link ensureFederatedIdentityCredential} should make sure exists. */
export interface EnsureFederatedIdentityCredentialParameters {
  /** Issuer URL: an absolute https URL. */
  issuer: string;
  /** Subject of the external identity (or give `claimsMatchingExpression`). */
  subject?: string;
  /** Audiences; defaults to `["api://AzureADTokenExchange"]`. */
  audiences?: string[];
  /** Claims-matching expression, in place of `subject` (API versions that support it). */
  claimsMatchingExpression?: ClaimsMatchingExpressionLike;
}

/** The operations {@link ensureFederatedIdentityCredential} needs: a generated `federatedIdentityCredentials` group fits. */
export interface FederatedCredentialOperations<T extends FederatedCredentialLike> {
  /** Lists the credentials of an identity, following every page. */
  list(resourceGroupName: string, resourceName: string, options?: { abortSignal?: AbortSignal }): AsyncIterable<T>;
  /** Creates or replaces one credential. */
  createOrUpdate(
    resourceGroupName: string,
    resourceName: string,
    federatedIdentityCredentialResourceName: string,
    parameters: EnsureFederatedIdentityCredentialParameters,
    options?: { abortSignal?: AbortSignal },
  ): Promise<T>;
}

/** Options of {@link ensureFederatedIdentityCredential}. */
export interface EnsureFederatedIdentityCredentialOptions {
  /** Cancels the listing, the write and any wait. */
  abortSignal?: AbortSignal;
  /**
   * Runs the look-up and the write inside this queue, keyed by resource group and identity, so
   * concurrent calls on one identity neither race nor collide. Do not pass the queue that is already
   * running the call (it would wait for itself).
   */
  queue?: FederatedCredentialWriteQueue;
  /** Set to `false` to send the arguments without client-side checks (as the client's `validation: false`). Default `true`. */
  validate?: boolean;
}

/** What {@link ensureFederatedIdentityCredential} found or did. */
export interface EnsureFederatedIdentityCredentialResult<T> {
  /** The credential as the service holds it now. */
  credential: T;
  /** True when a new credential was created. */
  created: boolean;
  /** True when the credential of that name existed with another issuer/subject and was replaced. */
  updated: boolean;
}

function sameClaims(a: ClaimsMatchingExpressionLike | undefined, b: ClaimsMatchingExpressionLike | undefined): boolean {
  return a !== undefined && b !== undefined && a.value === b.value && a.languageVersion === b.languageVersion;
}

/**
 * Makes sure an identity trusts an issuer + subject (or issuer + claims expression), without
 * failing when a pipeline runs again:
 * - a credential with the same issuer and subject (or the same issuer and claims expression) already
 *   exists, under any name → it is returned unchanged, no write is made (`created: false, updated: false`);
 * - otherwise, a credential named `name` exists with another issuer/subject → it is replaced
 *   (`created: false, updated: true`);
 * - otherwise → it is created (`created: true, updated: false`).
 *
 * Issuer and subject compare exactly (case-sensitively): tokens must match them exactly, and the
 * service's own duplicate check is believed to compare the same way (not documented). Credential
 * names compare case-insensitively, as ARM names do.
 * @param ops - list + createOrUpdate, e.g. a generated client's `federatedIdentityCredentials`
 * @param resourceGroupName - resource group of the identity
 * @param identityName - name of the user-assigned identity
 * @param name - name to give the credential if one is created
 * @param credential - issuer, subject or claims expression, audiences (default `api://AzureADTokenExchange`)
 * @param options - abort signal and optional write queue
 * @throws {@link ManagedIdentityValidationError} when an argument breaks a rule; service errors as thrown by `ops`
 */
export async function ensureFederatedIdentityCredential<T extends FederatedCredentialLike>(
  ops: FederatedCredentialOperations<T>,
  resourceGroupName: string,
  identityName: string,
  name: string,
  credential: EnsureFederatedIdentityCredentialParameters,
  options: EnsureFederatedIdentityCredentialOptions = {},
): Promise<EnsureFederatedIdentityCredentialResult<T>> {
  const validate = options?.validate !== false;
  if (validate) {
    validateResourceGroupName(resourceGroupName);
    validateIdentityName(identityName);
    validateFederatedCredentialName(name, "name");
  }
  if (typeof credential !== "object" || credential === null || Array.isArray(credential)) {
    throw new ManagedIdentityValidationError("credential", credential, "the credential must be an object.");
  }
  const wanted: EnsureFederatedIdentityCredentialParameters = {
    issuer: credential.issuer,
    ...(credential.subject !== undefined ? { subject: credential.subject } : {}),
    audiences: credential.audiences ?? [DEFAULT_FEDERATED_CREDENTIAL_AUDIENCE],
    ...(credential.claimsMatchingExpression !== undefined ? { claimsMatchingExpression: credential.claimsMatchingExpression } : {}),
  };
  // Whether the API version accepts a claims expression is the service's (or the versioned client's) call.
  if (validate) validateFederatedCredentialProperties(wanted, "credential");
  const abortSignal = options?.abortSignal;

  const lookUpAndWrite = async (): Promise<EnsureFederatedIdentityCredentialResult<T>> => {
    let sameName: T | undefined;
    for await (const existing of ops.list(resourceGroupName, identityName, { abortSignal })) {
      const sameTrust =
        existing.issuer === wanted.issuer &&
        (wanted.subject !== undefined
          ? existing.subject === wanted.subject
          : sameClaims(existing.claimsMatchingExpression, wanted.claimsMatchingExpression));
      if (sameTrust) {
        return { credential: existing, created: false, updated: false };
      }
      if (sameName === undefined && existing.name?.toLowerCase() === String(name).toLowerCase()) {
        sameName = existing;
      }
    }
    const written = await ops.createOrUpdate(resourceGroupName, identityName, name, wanted, { abortSignal });
    return { credential: written, created: sameName === undefined, updated: sameName !== undefined };
  };

  return options?.queue
    ? options.queue.run(identityKey(resourceGroupName, identityName), lookUpAndWrite, abortSignal)
    : lookUpAndWrite();
}
