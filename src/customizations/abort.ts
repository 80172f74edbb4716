/**
 * Abort handling shared by the package's waits: one `AbortError` shape and one way to stop waiting
 * for a promise when a signal fires, so every wait rejects the same way.
 */
import type { PipelineRequest } from "@azure/core-rest-pipeline";

/** The abort signal shape the pipeline passes around (a DOM `AbortSignal` fits). */
export type AbortSignalLike = NonNullable<PipelineRequest["abortSignal"]>;

/**
 * An `Error` named `AbortError`, as `@azure/core-rest-pipeline` and `fetch` throw on abort.
 * @param message - what was aborted
 */
export function createAbortError(message = "The operation was aborted."): Error {
  const error = new Error(message);
  error.name = "AbortError";
  return error;
}

/**
 * Settles like `promise`, or rejects with an `AbortError` as soon as the signal fires (at once when
 * it already has). The work behind `promise` goes on; only the caller's wait is cut short.
 * @param promise - what to wait for
 * @param abortSignal - stops the wait; without one, `promise` itself is returned
 * @param message - message of the `AbortError`
 */
export function raceAbort<T>(promise: Promise<T>, abortSignal: AbortSignalLike | undefined, message?: string): Promise<T> {
  if (!abortSignal) {
    return promise;
  }
  if (abortSignal.aborted) {
    return Promise.reject(createAbortError(message));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(createAbortError(message));
    abortSignal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        abortSignal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        abortSignal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
