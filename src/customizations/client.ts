/**
 * `ManagedServiceIdentityClient`: the `@azure/arm-msi` surface over every generated API version,
 * with per-group versions from a profile, validation, typed errors, paging and lazy loading.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { CommonClientOptions } from "@azure/core-client";
import { loadGenerated } from "../generated/apiVersions.js";
import type { ApiVersion } from "../generated/apiVersions.js";
import { resolveCloudEndpoints } from "./clouds.js";
import type { CloudOptions } from "./clouds.js";
import { FederatedCredentialWriteQueue } from "./federatedCredentials.js";
import type { FederatedCredentialRetryOptions } from "./federatedCredentials.js";
import { logger } from "./logger.js";
import { createOperationGroup, OperationNotAvailableError } from "./operationGroups.js";
import type { ClientOperationGroups, LoadedGenerated } from "./operationGroups.js";
import { operationGroupNames, resolveGroupChoices } from "./profiles.js";
import type { GroupVersions, LatestProfileVersions, ProfileOptions, ResolvedGroupVersions } from "./profiles.js";
import { retryLoggingPolicy } from "./retryLogging.js";
import { userAgentPrefix } from "./userAgent.js";
import { validateSubscriptionId } from "./validation.js";

/** Options of `ManagedServiceIdentityClient`. */
export interface ManagedServiceIdentityClientOptions extends CommonClientOptions, CloudOptions, ProfileOptions {
  /** Set to `false` to send arguments without client-side validation. Default `true`. */
  validation?: boolean;
  /** Retries of the federated identity credential concurrent-write conflict (HTTP 409). */
  federatedCredentialRetry?: FederatedCredentialRetryOptions;
}

/** Members of `ManagedServiceIdentityClient` besides its operation groups. */
export interface ManagedServiceIdentityClientProperties<R extends GroupVersions> {
  /** The subscription the client works in, if one was given. */
  readonly subscriptionId?: string;
  /** The API version each operation group uses; `undefined` for groups the client lacks. */
  readonly apiVersions: R;
}

/**
 * Client for Microsoft.ManagedIdentity. `R` maps each operation group to its API version; it
 * follows from the `apiVersion` or `profile` option and decides which groups, operations and
 * models the client has.
 */
export type ManagedServiceIdentityClient<R extends GroupVersions = LatestProfileVersions> =
  ManagedServiceIdentityClientProperties<R> & ClientOperationGroups<R>;

/** Rejects, at compile time, options that set both `apiVersion` and `profile`. */
export type ExclusiveVersionOptions<O> = O extends { readonly apiVersion: ApiVersion; readonly profile: unknown }
  ? { readonly "apiVersion and profile are mutually exclusive": never }
  : unknown;

/** Constructor of `ManagedServiceIdentityClient`, with the same overloads as `@azure/arm-msi`. */
export interface ManagedServiceIdentityClientConstructor {
  /**
   * Creates a client for one subscription.
   * @param credential - Credential for Azure Resource Manager, for example `DefaultAzureCredential`.
   * @param subscriptionId - The subscription, a UUID.
   * @param options - API version or profile, cloud, validation and pipeline options.
   */
  new <const O extends ManagedServiceIdentityClientOptions = {}>(
    credential: TokenCredential,
    subscriptionId: string,
    options?: O & ExclusiveVersionOptions<O>,
  ): ManagedServiceIdentityClient<ResolvedGroupVersions<O>>;
  /**
   * Creates a client without a subscription (for `operations.list` and `systemAssignedIdentities`).
   * @param credential - Credential for Azure Resource Manager.
   * @param options - API version or profile, cloud, validation and pipeline options.
   */
  new <const O extends ManagedServiceIdentityClientOptions = {}>(
    credential: TokenCredential,
    options?: O & ExclusiveVersionOptions<O>,
  ): ManagedServiceIdentityClient<ResolvedGroupVersions<O>>;
}

/** Keys of {@link ManagedServiceIdentityClientOptions} that are ours, not the generated clients'. */
const ownOptionKeys = [
  "apiVersion",
  "profile",
  "cloud",
  "endpoint",
  "credentialScopes",
  "validation",
  "federatedCredentialRetry",
  "userAgentOptions",
  "$host",
  "baseUri",
] as const;

class ManagedServiceIdentityClientImpl {
  readonly subscriptionId?: string;
  readonly apiVersions: GroupVersions;

  constructor(
    credential: TokenCredential,
    subscriptionIdOrOptions?: string | ManagedServiceIdentityClientOptions,
    maybeOptions?: ManagedServiceIdentityClientOptions,
  ) {
    if (typeof credential !== "object" || credential === null || typeof credential.getToken !== "function") {
      throw new TypeError(`Parameter "credential" must be a TokenCredential (an object with getToken()), got ${String(credential)}.`);
    }
    let subscriptionId: string | undefined;
    let options: ManagedServiceIdentityClientOptions;
    if (typeof subscriptionIdOrOptions === "string") {
      subscriptionId = subscriptionIdOrOptions;
      options = maybeOptions ?? {};
    } else {
      options = subscriptionIdOrOptions ?? maybeOptions ?? {};
    }
    const validation = options.validation !== false;
    if (subscriptionId !== undefined && validation) validateSubscriptionId(subscriptionId);
    this.subscriptionId = subscriptionId;
    const choices = resolveGroupChoices(options);
    this.apiVersions = Object.freeze(
      Object.fromEntries(operationGroupNames.map((g) => [g, choices[g].version])) as GroupVersions,
    );
    const { endpoint, credentialScopes } = resolveCloudEndpoints(options);
    const writeQueue = new FederatedCredentialWriteQueue(options.federatedCredentialRetry);

    // Never pass apiVersion: the generated client's CustomApiVersionPolicy would rewrite the query.
    const generatedOptions: Record<string, unknown> = { ...options };
    for (const key of ownOptionKeys) delete generatedOptions[key];
    Object.assign(generatedOptions, {
      endpoint,
      $host: endpoint,
      credentialScopes,
      additionalPolicies: [...(options.additionalPolicies ?? []), { policy: retryLoggingPolicy(), position: "perRetry" }],
      userAgentOptions: { ...options.userAgentOptions, userAgentPrefix: userAgentPrefix(options.userAgentOptions?.userAgentPrefix) },
    });

    const loaded = new Map<ApiVersion, Promise<LoadedGenerated>>();
    const load = (version: ApiVersion): Promise<LoadedGenerated> => {
      let pending = loaded.get(version);
      if (pending === undefined) {
        pending = loadGenerated[version]().then((module) => {
          const GeneratedClient = module.ManagedServiceIdentityClient;
          const client =
            subscriptionId === undefined
              ? new GeneratedClient(credential, generatedOptions)
              : new GeneratedClient(credential, subscriptionId, generatedOptions);
          return { client, getContinuationToken: module.getContinuationToken };
        });
        // A failed load (for example a missing file) is retried on the next call rather than cached.
        pending.catch(() => loaded.delete(version));
        loaded.set(version, pending);
      }
      return pending;
    };

    for (const group of operationGroupNames) {
      const version = this.apiVersions[group];
      const choice = choices[group];
      if (version === undefined) {
        Object.defineProperty(this, group, {
          enumerable: false,
          configurable: true,
          get() {
            throw new OperationNotAvailableError(group, undefined, choice.asked, choice.from);
          },
        });
        continue;
      }
      const operations = createOperationGroup(group, {
        apiVersion: version,
        resolvedFrom: choice.from,
        validation,
        subscriptionId,
        endpoint,
        loadGenerated: () => load(version),
        writeQueue,
      });
      Object.defineProperty(this, group, { enumerable: true, configurable: true, value: operations });
    }
    logger.info(
      `ManagedServiceIdentityClient API versions: ${operationGroupNames
        .map((g) => `${g}=${this.apiVersions[g] ?? "(absent)"}`)
        .join(", ")}; endpoint ${endpoint}.`,
    );
  }
}

/**
 * Client for Microsoft.ManagedIdentity with the operation groups and methods of `@azure/arm-msi`,
 * for any API version: `new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion })`
 * or `{ profile }`. Each group uses the generated client of its resolved version, loaded on first use.
 */
export const ManagedServiceIdentityClient = ManagedServiceIdentityClientImpl as unknown as ManagedServiceIdentityClientConstructor;
