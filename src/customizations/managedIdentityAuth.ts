/**
 * Outbound authentication with a managed identity: a core-rest-pipeline policy and a `fetch`
 * wrapper that put a backend token on each request, as API Management's
 * `authentication-managed-identity` policy does for its backends.
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { resolveManagedIdentityAuthOptions } from "./managedIdentityAuthOptions.js";
import type { ManagedIdentityAuthOptions } from "./managedIdentityAuthOptions.js";
import { ManagedIdentityValidationError } from "./validation.js";
import { createManagedIdentityTokenProvider, ManagedIdentityTokenError } from "./managedIdentityTokenProvider.js";

export type { ManagedIdentityAuthOptions };
export { ManagedIdentityTokenError };

/** The name of the policy returned by {@link managedIdentityAuthPolicy}. */
export const managedIdentityAuthPolicyName = "managedIdentityAuthPolicy";

/** A function with the signature of the global `fetch`. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options for {@link createManagedIdentityFetch}. */
export interface ManagedIdentityFetchOptions extends ManagedIdentityAuthOptions {
  /** The `fetch` to wrap. Default: the global `fetch`, looked up on every call. */
  fetch?: FetchFunction;
}

function assertSecure(url: string, allowInsecureConnection: boolean): void {
  if (!allowInsecureConnection && !/^https:\/\//i.test(url)) {
    throw new ManagedIdentityValidationError(
      "url",
      url,
      "must be an https URL to carry a bearer token; set the option allowInsecureConnection to true to send tokens over http",
    );
  }
}

/**
 * A pipeline policy that authenticates every request to a backend with a managed-identity token,
 * like API Management's `authentication-managed-identity` policy.
 *
 * Each request gets `Authorization: Bearer <token>`, replacing any Authorization header it already
 * had (as APIM does). The token is cached until `refreshBeforeExpiryInMs` before its expiry (or its
 * `refreshAfterTimestamp`); concurrent requests share one acquisition; a failed acquisition is not
 * remembered, so the next request tries again; while a cached token has not yet expired it is used
 * when a refresh fails. When no token can be had, the request fails with a
 * {@link ManagedIdentityTokenError} and is not sent, or with `ignoreError` is sent as it is.
 * `request.abortSignal` stops the wait for a token.
 *
 * Add it with `additionalPolicies: [{ policy, position: "perRetry" }]` so that every retry checks
 * the token's freshness.
 *
 * @param options - The backend, the identity and the error behaviour.
 * @returns The policy, holding its own token cache.
 * @throws {@link ManagedIdentityValidationError} when an option is invalid, naming the option, its
 * value and the rule.
 */
export function managedIdentityAuthPolicy(options: ManagedIdentityAuthOptions): PipelinePolicy {
  const resolved = resolveManagedIdentityAuthOptions(options);
  const provider = createManagedIdentityTokenProvider(resolved);
  return {
    name: managedIdentityAuthPolicyName,
    async sendRequest(request, next) {
      assertSecure(request.url, resolved.allowInsecureConnection);
      const token = await provider.getTokenForRequest(request.abortSignal);
      if (token) {
        request.headers.set("Authorization", `Bearer ${token.token}`);
      }
      return next(request);
    },
  };
}

function isRequest(input: string | URL | Request): input is Request {
  return typeof input === "object" && typeof (input as Request).url === "string";
}

// Copied entry by entry: `new Headers(headersObject)` can drop entries when the global Headers is
// patched to record raw header names (as @mswjs/interceptors does).
function copyHeaders(source: RequestInit["headers"]): Headers {
  if (source === undefined || Array.isArray(source) || typeof (source as Headers).forEach !== "function") {
    return new Headers(source);
  }
  const headers = new Headers();
  (source as Headers).forEach((value, name) => headers.append(name, value));
  return headers;
}

/**
 * Wraps `fetch` so that every call carries a managed-identity token for a backend; the plain-HTTP
 * counterpart of {@link managedIdentityAuthPolicy}, with the same caching, refresh, error and
 * header behaviour. The request's own signal (`init.signal`, else the `Request`'s) stops the wait
 * for a token.
 *
 * @param options - The backend, the identity, the error behaviour, and optionally the `fetch` to wrap.
 * @returns A `fetch`-compatible function holding its own token cache.
 * @throws {@link ManagedIdentityValidationError} when an option is invalid, naming the option, its
 * value and the rule.
 */
export function createManagedIdentityFetch(options: ManagedIdentityFetchOptions): FetchFunction {
  const resolved = resolveManagedIdentityAuthOptions(options);
  const wrapped = options.fetch;
  if (wrapped !== undefined && typeof wrapped !== "function") {
    throw new ManagedIdentityValidationError("options.fetch", wrapped, "must be a function with the signature of fetch");
  }
  const provider = createManagedIdentityTokenProvider(resolved);
  return async (input, init) => {
    const request = isRequest(input) ? input : undefined;
    assertSecure(request ? request.url : String(input), resolved.allowInsecureConnection);
    const token = await provider.getTokenForRequest(init?.signal ?? request?.signal);
    const send = wrapped ?? globalThis.fetch;
    if (!token) {
      return send(input, init);
    }
    // init.headers, when given, replaces the Request's headers in fetch too.
    const headers = copyHeaders(init?.headers ?? request?.headers);
    headers.set("Authorization", `Bearer ${token.token}`);
    return send(input, { ...init, headers });
  };
}
