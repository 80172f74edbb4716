/**
 * Azure clouds: where Azure Resource Manager lives in each one and which token scope it accepts.
 */
import { ManagedIdentityValidationError } from "./validation.js";

/** Resource Manager endpoint and token scope of one Azure cloud. */
export interface AzureCloudEndpoints {
  /** Base URL of Azure Resource Manager, without a trailing slash. */
  readonly resourceManagerEndpoint: string;
  /** Scope to request tokens for when calling {@link AzureCloudEndpoints.resourceManagerEndpoint}. */
  readonly credentialScope: string;
}

/** The Azure clouds this package knows the Resource Manager endpoints of. */
export const KnownAzureClouds = {
  /** Azure public cloud. */
  AzurePublicCloud: {
    resourceManagerEndpoint: "https://management.azure.com",
    credentialScope: "https://management.azure.com/.default",
  },
  /** Azure operated by 21Vianet (China). */
  AzureChinaCloud: {
    resourceManagerEndpoint: "https://management.chinacloudapi.cn",
    credentialScope: "https://management.chinacloudapi.cn/.default",
  },
  /** Azure US Government. */
  AzureUSGovernment: {
    resourceManagerEndpoint: "https://management.usgovcloudapi.net",
    credentialScope: "https://management.usgovcloudapi.net/.default",
  },
} as const satisfies Record<string, AzureCloudEndpoints>;

/** Name of a cloud in {@link KnownAzureClouds}. */
export type AzureCloudName = keyof typeof KnownAzureClouds;

/** Cloud-related options of the client. */
export interface CloudOptions {
  /** A known cloud by name, or the endpoints of another one. Defaults to the public cloud. */
  cloud?: AzureCloudName | AzureCloudEndpoints;
  /** Resource Manager endpoint; use instead of `cloud`, for example for an emulator or a sovereign cloud. */
  endpoint?: string;
  /** Token scopes; defaults to the cloud's scope, or `<endpoint>/.default` with `endpoint`. */
  credentialScopes?: string | string[];
  /** The `@azure/arm-msi` name of `endpoint`, accepted so code moving from it keeps its endpoint. */
  $host?: string;
  /**
   * The older `@azure/core-client` name of `endpoint`, accepted for the same reason.
   * @deprecated Use `endpoint`.
   */
  baseUri?: string;
}

/** Endpoint and scopes a client sends its requests with. */
export interface ResolvedCloudEndpoints {
  /** Resource Manager base URL, without a trailing slash. */
  readonly endpoint: string;
  /** Token scopes for that endpoint. */
  readonly credentialScopes: string[];
}

/**
 * Works out the Resource Manager endpoint and token scopes from `cloud`, or `endpoint` and
 * `credentialScopes`. Throws when both `cloud` and `endpoint` are given or a value is malformed.
 */
export function resolveCloudEndpoints(options: CloudOptions): ResolvedCloudEndpoints {
  const { cloud, credentialScopes } = options;
  const endpoint = endpointOption(options);
  if (cloud !== undefined && endpoint !== undefined) {
    throw new ManagedIdentityValidationError(
      `options.${endpoint.name}`,
      endpoint.value,
      `"cloud" (here ${JSON.stringify(cloud)}) and "${endpoint.name}" are mutually exclusive: pass a known cloud name, or an endpoint with its credentialScopes.`,
    );
  }
  let base: AzureCloudEndpoints;
  if (endpoint !== undefined) {
    const url = trimSlash(checkUrl(endpoint.name, endpoint.value));
    base = { resourceManagerEndpoint: url, credentialScope: `${url}/.default` };
  } else if (cloud === undefined) {
    base = KnownAzureClouds.AzurePublicCloud;
  } else if (typeof cloud === "string") {
    if (!Object.prototype.hasOwnProperty.call(KnownAzureClouds, cloud)) {
      throw new ManagedIdentityValidationError(
        "options.cloud",
        cloud,
        `a cloud must be one of ${Object.keys(KnownAzureClouds).join(", ")}, or { resourceManagerEndpoint, credentialScope }.`,
      );
    }
    base = KnownAzureClouds[cloud];
  } else {
    if (typeof cloud !== "object" || cloud === null || typeof cloud.credentialScope !== "string" || cloud.credentialScope.length === 0) {
      throw new ManagedIdentityValidationError(
        "options.cloud",
        cloud,
        `a cloud must be one of ${Object.keys(KnownAzureClouds).join(", ")}, or { resourceManagerEndpoint, credentialScope }.`,
      );
    }
    checkUrl("cloud.resourceManagerEndpoint", cloud.resourceManagerEndpoint);
    base = cloud;
  }
  const scopes = credentialScopes === undefined ? [base.credentialScope] : ([] as string[]).concat(credentialScopes);
  if (scopes.length === 0 || scopes.some((s) => typeof s !== "string" || s.length === 0)) {
    throw new ManagedIdentityValidationError("options.credentialScopes", credentialScopes, "credential scopes must be one or more non-empty strings.");
  }
  return { endpoint: trimSlash(base.resourceManagerEndpoint), credentialScopes: scopes };
}

/** The endpoint given as `endpoint`, `$host` or `baseUri`; several names must agree on one URL. */
function endpointOption(options: CloudOptions): { name: string; value: string } | undefined {
  const given = (["endpoint", "$host", "baseUri"] as const)
    .filter((name) => options[name] !== undefined)
    .map((name) => ({ name, value: options[name] as string }));
  const differing = given.slice(1).find((option) => trimSlash(String(option.value)) !== trimSlash(String(given[0].value)));
  if (differing !== undefined) {
    throw new ManagedIdentityValidationError(
      `options.${differing.name}`,
      differing.value,
      `"endpoint", "$host" and "baseUri" name the same setting; give one of them (here "${given[0].name}" is ${JSON.stringify(given[0].value)}).`,
    );
  }
  return given[0];
}

function checkUrl(name: string, value: unknown): string {
  let ok = false;
  if (typeof value === "string") {
    try {
      const url = new URL(value);
      ok = url.protocol === "https:" || url.protocol === "http:";
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new ManagedIdentityValidationError(`options.${name}`, value, "an endpoint must be an absolute http(s) URL.");
  }
  return value as string;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
