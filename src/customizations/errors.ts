/**
 * Typed errors for failed Microsoft.ManagedIdentity requests: subclasses of `RestError` that carry
 * the ARM error envelope, chosen from the status code and the ARM error code.
 */
import { RestError, isRestError, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { isPlainObject } from "./validation.js";

/** ARM error code of the 409 returned when two federated credential writes hit one identity. */
export const CONCURRENT_FEDERATED_CREDENTIAL_WRITES_CODE = "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity";

/** Message fragment of the 400 returned when an issuer + subject pair is already used on the identity. */
const DUPLICATE_ISSUER_SUBJECT = /issuer and subject combination already exists/i;

/** Additional information attached to an ARM error. */
export interface ArmErrorAdditionalInfo {
  /** The kind of information. */
  type?: string;
  /** The information itself. */
  info?: unknown;
}

/** One ARM error (`error` of the envelope, or one of its `details`). */
export interface ArmErrorDetail {
  /** PascalCase error code, e.g. `ResourceNotFound`. */
  code?: string;
  /** Human-readable message. */
  message?: string;
  /** The part of the request the error is about. */
  target?: string;
  /** Nested errors. */
  details?: ArmErrorDetail[];
  /** Additional information. */
  additionalInfo?: ArmErrorAdditionalInfo[];
}

/** What a {@link ManagedIdentityError} is built from. */
export interface ManagedIdentityErrorOptions {
  /** ARM error code. */
  code?: string;
  /** HTTP status code. */
  statusCode?: number;
  /** The request that failed. */
  request?: PipelineRequest;
  /** The response received. */
  response?: PipelineResponse;
  /** ARM error target. */
  target?: string;
  /** ARM error details. */
  details?: ArmErrorDetail[];
  /** ARM additional information. */
  additionalInfo?: ArmErrorAdditionalInfo[];
  /** `x-ms-request-id` of the response. */
  requestId?: string;
  /** `x-ms-correlation-request-id` of the response. */
  correlationId?: string;
  /** Wait the service asked for (429), in milliseconds. */
  retryAfterInMs?: number;
}

/**
 * A failed Microsoft.ManagedIdentity request, with the ARM error envelope. Still a `RestError`
 * (`instanceof RestError` and `isRestError` hold); `details` holds the ARM `details` array.
 */
export class ManagedIdentityError extends RestError {
  /** ARM error target, when the service named one. */
  readonly target?: string;
  /** ARM error details (nested errors), empty when none. */
  override details: ArmErrorDetail[];
  /** ARM additional information, empty when none. */
  readonly additionalInfo: ArmErrorAdditionalInfo[];
  /** `x-ms-request-id` of the response: quote it to Azure support. */
  readonly requestId?: string;
  /** `x-ms-correlation-request-id` of the response. */
  readonly correlationId?: string;

  /**
   * @param message - the ARM error message
   * @param options - code, status, request, response and envelope fields
   */
  constructor(message: string, options: ManagedIdentityErrorOptions = {}) {
    super(message, { code: options.code, statusCode: options.statusCode, request: options.request, response: options.response });
    // RestError's constructor resets the prototype to RestError.prototype; restore the subclass's.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "ManagedIdentityError";
    this.target = options.target;
    this.details = options.details ?? [];
    this.additionalInfo = options.additionalInfo ?? [];
    this.requestId = options.requestId;
    this.correlationId = options.correlationId;
  }
}

/** 400: the request was refused as invalid. */
export class BadRequestError extends ManagedIdentityError {
  /** @inheritdoc */
  constructor(message: string, options: ManagedIdentityErrorOptions = {}) {
    super(message, options);
    this.name = "BadRequestError";
  }
}

/** 401 or 403: the caller is not authenticated, or not allowed to do this. */
export class AuthenticationFailedError extends ManagedIdentityError {
  /** @inheritdoc */
  constructor(message: string, options: ManagedIdentityErrorOptions = {}) {
    super(message, options);
    this.name = "AuthenticationFailedError";
  }
}

/** 404: the resource (or its resource group or parent identity) does not exist. */
export class ResourceNotFoundError extends ManagedIdentityError {
  /** @inheritdoc */
  constructor(message: string, options: ManagedIdentityErrorOptions = {}) {
    super(message, options);
    this.name = "ResourceNotFoundError";
  }
}

/** 409 and other conflicts with the resource's current state. */
export class ResourceConflictError extends ManagedIdentityError {
  /** @inheritdoc */
  constructor(message: string, options: ManagedIdentityErrorOptions = {}) {
    super(message, options);
    this.name = "ResourceConflictError";
  }
}

/**
 * The resource already exists in a form that forbids this write. The service answers a federated
 * credential whose issuer + subject pair is already used on the identity (under another name) with
 * 400 "Issuer and subject combination already exists for this Managed Identity."; it is reported as
 * this conflict, whatever the status code (`statusCode` keeps the real one).
 */
export class ResourceExistsError extends ResourceConflictError {
  /** @inheritdoc */
  constructor(message: string, options: ManagedIdentityErrorOptions = {}) {
    super(message, options);
    this.name = "ResourceExistsError";
  }
}

/**
 * 409 `ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity`: another federated
 * credential write on the same identity was in progress. Retry later, or serialize the writes (see
 * `FederatedCredentialWriteQueue`).
 */
export class ConcurrentFederatedCredentialWriteError extends ResourceConflictError {
  /** @inheritdoc */
  constructor(message: string, options: ManagedIdentityErrorOptions = {}) {
    super(message, options);
    this.name = "ConcurrentFederatedCredentialWriteError";
  }
}

/** 429: too many requests; wait {@link ThrottledError.retryAfterInMs} before trying again. */
export class ThrottledError extends ManagedIdentityError {
  /** The wait from `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (seconds or HTTP date), if sent. */
  readonly retryAfterInMs?: number;

  /** @inheritdoc */
  constructor(message: string, options: ManagedIdentityErrorOptions = {}) {
    super(message, options);
    this.name = "ThrottledError";
    this.retryAfterInMs = options.retryAfterInMs;
  }
}

/**
 * Reads the wait a response asks for, in milliseconds: `retry-after-ms` / `x-ms-retry-after-ms`
 * first, then `Retry-After` as seconds or as an HTTP date (a date in the past gives 0).
 * @param response - the response, or anything with `headers.get`
 * @param now - the current time in milliseconds since the epoch (for HTTP dates)
 * @returns the wait, or `undefined` when no usable header was sent
 */
export function parseRetryAfter(response: Pick<PipelineResponse, "headers"> | undefined, now: number = Date.now()): number | undefined {
  const header = (name: string): string | undefined => {
    try {
      return response?.headers?.get(name)?.trim() || undefined;
    } catch {
      return undefined;
    }
  };
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = header(name);
    if (value !== undefined && /^\d+(\.\d+)?$/.test(value)) {
      return Number(value);
    }
  }
  const retryAfter = header("retry-after");
  if (retryAfter === undefined) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(retryAfter)) {
    return Number(retryAfter) * 1000;
  }
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The `error` object of an ARM envelope, found in the raw body first (it keeps `additionalInfo`). */
function findEnvelope(error: RestError): Record<string, unknown> | undefined {
  const candidates: unknown[] = [];
  const text = error.response?.bodyAsText;
  if (typeof text === "string" && text.length > 0) {
    try {
      candidates.push(JSON.parse(text));
    } catch {
      // Not JSON: fall back to what core-client parsed.
    }
  }
  // core-client adds `parsedBody` to the response it attaches.
  candidates.push((error.response as { parsedBody?: unknown } | undefined)?.parsedBody, error.details);
  for (const candidate of candidates) {
    if (isPlainObject(candidate)) {
      const inner = isPlainObject(candidate.error) ? candidate.error : candidate;
      if (typeof inner.code === "string" || typeof inner.message === "string") {
        return inner;
      }
    }
  }
  return undefined;
}

function toDetails(value: unknown): ArmErrorDetail[] {
  return Array.isArray(value) ? value.filter(isPlainObject).map((entry) => entry as ArmErrorDetail) : [];
}

/** Picks the subclass for a status code and ARM error code. */
function errorClassFor(statusCode: number, code: string | undefined, message: string): typeof ManagedIdentityError {
  if (code?.toLowerCase() === CONCURRENT_FEDERATED_CREDENTIAL_WRITES_CODE.toLowerCase()) {
    return ConcurrentFederatedCredentialWriteError;
  }
  if ((statusCode === 400 || statusCode === 409) && DUPLICATE_ISSUER_SUBJECT.test(message)) {
    return ResourceExistsError;
  }
  switch (statusCode) {
    case 400:
      return BadRequestError;
    case 401:
    case 403:
      return AuthenticationFailedError;
    case 404:
      return ResourceNotFoundError;
    case 409:
      return ResourceConflictError;
    case 429:
      return ThrottledError;
    default:
      return ManagedIdentityError;
  }
}

/**
 * Turns a `RestError` thrown by a generated (core-client) client for an HTTP error response into
 * the matching {@link ManagedIdentityError} subclass, keeping status code, request, response and
 * stack. Anything else — including a `ManagedIdentityError` already, and RestErrors without a
 * status code such as network failures — is returned unchanged.
 * @param error - what was thrown
 * @returns the typed error, or `error` itself
 */
export function toManagedIdentityError(error: unknown): unknown {
  if (error instanceof ManagedIdentityError || !isRestError(error)) {
    return error;
  }
  const statusCode = error.statusCode;
  if (typeof statusCode !== "number" || statusCode < 400) {
    return error;
  }
  try {
    const envelope = findEnvelope(error) ?? {};
    const code = asString(envelope.code) ?? error.code;
    const message = asString(envelope.message) ?? error.message;
    const headers = error.response?.headers;
    const ErrorClass = errorClassFor(statusCode, code, message);
    const converted = new ErrorClass(message, {
      code,
      statusCode,
      request: error.request,
      response: error.response,
      target: asString(envelope.target),
      details: toDetails(envelope.details),
      additionalInfo: toDetails(envelope.additionalInfo) as ArmErrorAdditionalInfo[],
      requestId: headers?.get("x-ms-request-id") ?? undefined,
      correlationId: headers?.get("x-ms-correlation-request-id") ?? undefined,
      retryAfterInMs: statusCode === 429 ? parseRetryAfter(error.response) : undefined,
    });
    const frames = error.stack?.indexOf("\n") ?? -1;
    if (frames >= 0) {
      // Where the failure surfaced is what a reader needs; keep the original trace under the new name.
      converted.stack = `${converted.name}: ${converted.message}${error.stack!.slice(frames)}`;
    }
    return converted;
  } catch {
    // An unreadable response must not hide the original failure.
    return error;
  }
}

/**
 * Tells whether an error is the 409 a concurrent federated credential write on the same identity
 * gets, as a {@link ConcurrentFederatedCredentialWriteError} or as the raw `RestError`.
 * @param error - what was thrown
 */
export function isConcurrentFederatedCredentialWriteError(error: unknown): boolean {
  if (error instanceof ConcurrentFederatedCredentialWriteError) {
    return true;
  }
  return (
    isRestError(error) &&
    typeof error.code === "string" &&
    error.code.toLowerCase() === CONCURRENT_FEDERATED_CREDENTIAL_WRITES_CODE.toLowerCase()
  );
}
