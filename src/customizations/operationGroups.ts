/**
 * The operation groups of `ManagedServiceIdentityClient`: per-version types derived from the
 * generated clients, and the run-time wrappers (validation, typed errors, FIC write queue, lazy load).
 */
import type { PageSettings, PagedAsyncIterableIterator } from "@azure/core-paging";
import { apiVersionSpecs } from "../generated/apiVersions.js";
import type { ApiVersion, OperationSpec } from "../generated/apiVersions.js";
import { toManagedIdentityError } from "./errors.js";
import { DEFAULT_FEDERATED_CREDENTIAL_AUDIENCE, ensureFederatedIdentityCredential, identityKey } from "./federatedCredentials.js";
import { logger } from "./logger.js";
import type {
  EnsureFederatedIdentityCredentialParameters,
  EnsureFederatedIdentityCredentialResult,
  FederatedCredentialOperations,
  FederatedCredentialLike,
  FederatedCredentialWriteQueue,
} from "./federatedCredentials.js";
import { createPagedIterator } from "./paging.js";
import type { ServerPages } from "./paging.js";
import { versionsWith } from "./profiles.js";
import type { GeneratedClientOf, GroupVersions, OperationGroupName, OperationGroupsOf } from "./profiles.js";
import { normalizeScope, validateOperationArguments } from "./validation.js";

/** The generated operation group `G` of API version(s) `V`; `never` where a version lacks it. */
export type GeneratedOperationGroup<G extends OperationGroupName, V> = V extends ApiVersion
  ? G extends OperationGroupsOf<V>
    ? GeneratedClientOf<V>[G]
    : never
  : never;

/** The federated identity credential model of API version(s) `V`. */
export type FederatedIdentityCredentialModel<V> = GeneratedOperationGroup<"federatedIdentityCredentials", V> extends { get(...args: never[]): Promise<infer M> } ? M : never;

/** Additions to the generated federated identity credential operations. */
export interface FederatedIdentityCredentialsEnsure<TCredential> {
  /**
   * Makes sure the identity trusts this issuer and subject (or claims expression), writing only
   * when needed (see `ensureFederatedIdentityCredential`). Runs in the client's per-identity write
   * queue, so it never races other credential writes on the same identity from this client.
   * @param resourceGroupName - The resource group of the identity.
   * @param identityName - The user-assigned identity.
   * @param name - Name to give the credential if one is written.
   * @param credential - Issuer, subject or claims expression, audiences (default `["api://AzureADTokenExchange"]`).
   * @param options - Abort signal.
   */
  ensure(
    resourceGroupName: string,
    identityName: string,
    name: string,
    credential: EnsureFederatedIdentityCredentialParameters,
    options?: { abortSignal?: AbortSignal },
  ): Promise<EnsureFederatedIdentityCredentialResult<TCredential>>;
}

/** Federated identity credential operations of API version(s) `V`, with `ensure`. */
export type FederatedIdentityCredentialsOperations<V> = GeneratedOperationGroup<"federatedIdentityCredentials", V> &
  FederatedIdentityCredentialsEnsure<FederatedIdentityCredentialModel<V>>;

/** Operation group `G` as the client exposes it for API version(s) `V`. */
export type OperationGroup<G extends OperationGroupName, V> = G extends "federatedIdentityCredentials"
  ? FederatedIdentityCredentialsOperations<V>
  : GeneratedOperationGroup<G, V>;

/** The operation groups a client with resolved versions `R` has; groups resolved to no version are absent. */
export type ClientOperationGroups<R extends GroupVersions> = {
  readonly [G in keyof R as R[G] extends ApiVersion ? G : never]: G extends OperationGroupName ? OperationGroup<G, R[G]> : never;
};

/**
 * Thrown when code reaches an operation group or operation that the client's resolved API
 * version does not have (TypeScript callers get a compile error instead).
 */
export class OperationNotAvailableError extends Error {
  /** The operation group. */
  readonly group: string;
  /** The operation, when the group exists but lacks it. */
  readonly operation?: string;
  /** The API version the group resolved to, or the one that was asked for when it has no such group. */
  readonly apiVersion?: ApiVersion;
  /** API versions that have the group (and operation). */
  readonly availableIn: ApiVersion[];

  constructor(group: string, operation: string | undefined, apiVersion: ApiVersion | undefined, resolvedFrom: string) {
    const availableIn = versionsWith(group, operation);
    const what = operation === undefined ? `Operation group "${group}"` : `Operation "${group}.${operation}"`;
    const where = apiVersion === undefined ? resolvedFrom : `API version ${apiVersion} (${resolvedFrom})`;
    super(`${what} is not available in ${where}; API versions that have it: ${availableIn.join(", ") || "none"}.`);
    this.name = "OperationNotAvailableError";
    this.group = group;
    this.operation = operation;
    this.apiVersion = apiVersion;
    this.availableIn = availableIn;
  }
}

/** What the wrappers of one group need from the client. */
export interface OperationGroupContext {
  /** The group's resolved API version. */
  readonly apiVersion: ApiVersion;
  /** How the version was chosen, for error messages. */
  readonly resolvedFrom: string;
  /** Whether to validate arguments before sending. */
  readonly validation: boolean;
  /** The client's subscription, if any. */
  readonly subscriptionId?: string;
  /** The client's Resource Manager endpoint, the only place continuation tokens may lead to. */
  readonly endpoint: string;
  /** The generated client of the group's version (loaded on first use) and its module's paging helper. */
  loadGenerated(): Promise<LoadedGenerated>;
  /** The client's federated identity credential write queue. */
  readonly writeQueue: FederatedCredentialWriteQueue;
}

/** A loaded generated client and the `getContinuationToken` of its module. */
export interface LoadedGenerated {
  /** The generated client instance. */
  readonly client: unknown;
  /** The generated module's `getContinuationToken`. */
  getContinuationToken(page: unknown): string | undefined;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** Writes that go through the per-identity queue: group → operations. */
const queuedWrites: Readonly<Record<string, readonly string[]>> = {
  federatedIdentityCredentials: ["createOrUpdate", "delete"],
  flexibleFederatedIdentityCredentials: ["createOrUpdate"],
};

/** Number of positional arguments before the options bag: path parameters (without subscriptionId), then the body. */
function optionsIndex(spec: OperationSpec): number {
  const pathParams = (spec.path.match(/\{[^}]+\}/g) ?? []).filter((p) => p !== "{subscriptionId}");
  return pathParams.length + (spec.body ? 1 : 0);
}

/** Position of the `{scope}` path parameter among the positional arguments, if the operation has one. */
function scopeIndex(spec: OperationSpec): number {
  return (spec.path.match(/\{[^}]+\}/g) ?? []).filter((p) => p !== "{subscriptionId}").indexOf("{scope}");
}

function operationOf(loaded: LoadedGenerated, group: string, operation: string): AnyFunction {
  const groupObject = (loaded.client as Record<string, Record<string, AnyFunction>>)[group];
  return groupObject[operation].bind(groupObject);
}

/** Builds the client-side object of one operation group for its resolved API version. */
export function createOperationGroup(group: string, context: OperationGroupContext): object {
  const operations = apiVersionSpecs[context.apiVersion].groups[group];
  const target: Record<string, unknown> = {};
  const validate = (operation: string, args: readonly unknown[]): void => {
    if (context.validation) {
      validateOperationArguments(context.apiVersion, group, operation, args, { subscriptionId: context.subscriptionId });
    }
  };
  for (const [operation, spec] of Object.entries(operations)) {
    if (spec.pageable) {
      const supportsTop = spec.query.includes("$top");
      const topIndex = optionsIndex(spec);
      target[operation] = (...args: unknown[]) =>
        createPagedIterator<unknown>({
          endpoint: context.endpoint,
          supportsTop,
          async open(top): Promise<ServerPages<unknown>> {
            validate(operation, args);
            const loaded = await context.loadGenerated();
            const callArgs = [...args];
            if (top !== undefined) {
              const options = (callArgs[topIndex] ?? {}) as Record<string, unknown>;
              callArgs[topIndex] = { ...options, top: options.top ?? top };
            }
            const list = operationOf(loaded, group, operation)(...callArgs) as PagedAsyncIterableIterator<unknown, unknown[], PageSettings>;
            return {
              byPage: (settings) => list.byPage(settings) as AsyncIterableIterator<unknown[]>,
              nextLink: (page) => loaded.getContinuationToken(page),
            };
          },
          mapError: toManagedIdentityError,
        });
    } else if (queuedWrites[group]?.includes(operation)) {
      const abortIndex = optionsIndex(spec);
      target[operation] = async (...args: unknown[]) => {
        validate(operation, args);
        const abortSignal = (args[abortIndex] as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
        try {
          const loaded = await context.loadGenerated();
          const key = identityKey(args[0], args[1]);
          let attempts = 0;
          return await context.writeQueue.run(
            key,
            () => {
              if (attempts++ > 0) logger.warning(`Retrying ${group}.${operation} on ${key} after a concurrent-write conflict (retry ${attempts - 1}).`);
              return operationOf(loaded, group, operation)(...args) as Promise<unknown>;
            },
            abortSignal,
          );
        } catch (error) {
          throw toManagedIdentityError(error);
        }
      };
    } else {
      const scopeAt = scopeIndex(spec);
      target[operation] = async (...args: unknown[]) => {
        validate(operation, args);
        // The generated path is "/{scope}/…" with the scope unencoded: a leading "/" would make "//".
        if (scopeAt >= 0 && typeof args[scopeAt] === "string") args[scopeAt] = normalizeScope(args[scopeAt] as string);
        try {
          const loaded = await context.loadGenerated();
          return await operationOf(loaded, group, operation)(...args);
        } catch (error) {
          throw toManagedIdentityError(error);
        }
      };
    }
  }
  if (group === "federatedIdentityCredentials") {
    target.ensure = async (
      resourceGroupName: string,
      identityName: string,
      name: string,
      credential: EnsureFederatedIdentityCredentialParameters,
      options: { abortSignal?: AbortSignal } = {},
    ) => {
      const wanted = { ...credential, audiences: credential?.audiences ?? [DEFAULT_FEDERATED_CREDENTIAL_AUDIENCE] };
      validate("createOrUpdate", [resourceGroupName, identityName, name, wanted, options]);
      try {
        const loaded = await context.loadGenerated();
        const generated = (loaded.client as Record<string, FederatedCredentialOperations<FederatedCredentialLike>>)[group];
        const key = identityKey(resourceGroupName, identityName);
        let lookups = 0;
        const ops: FederatedCredentialOperations<FederatedCredentialLike> = {
          list: (...args) => {
            // The queue re-runs the whole look-up and write when the write hit a concurrent write.
            if (lookups++ > 0) logger.warning(`Retrying ${group}.ensure on ${key} after a concurrent-write conflict (retry ${lookups - 1}).`);
            return generated.list(...args);
          },
          createOrUpdate: (...args) => generated.createOrUpdate(...args),
        };
        return await ensureFederatedIdentityCredential(ops, resourceGroupName, identityName, name, wanted, {
          abortSignal: options.abortSignal,
          queue: context.writeQueue,
          validate: context.validation,
        });
      } catch (error) {
        throw toManagedIdentityError(error);
      }
    };
  }
  for (const operation of new Set(versionsWith(group).flatMap((v) => Object.keys(apiVersionSpecs[v].groups[group])))) {
    if (!(operation in target)) {
      Object.defineProperty(target, operation, {
        enumerable: false,
        get() {
          throw new OperationNotAvailableError(group, operation, context.apiVersion, context.resolvedFrom);
        },
      });
    }
  }
  return target;
}
