/**
 * The three implementations under test, behind one small interface: this package's client (from
 * the built `dist/`), `@azure/arm-msi` 2.2.0, and hand-written `fetch` calls (undici). All use API
 * version 2024-11-30, the emulator's CA certificate and a static bearer token.
 */
import { Agent, fetch } from "undici";

/** The API version all three implementations use. */
export const API_VERSION = "2024-11-30";

/** Names of the implementations, in the order rounds interleave them. */
const IMPLEMENTATIONS = ["ours", "arm-msi", "raw"];

/** A TokenCredential that returns a token fetched once from the emulator's control API. */
function staticCredential(token) {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

/** A pipeline policy counting responses by status, to see the 429s and 409s retried or not. */
function statusCounter(counts) {
  return {
    name: "benchStatusCounter",
    async sendRequest(request, next) {
      const response = await next(request);
      counts[response.status] = (counts[response.status] ?? 0) + 1;
      return response;
    },
  };
}

/**
 * Creates one implementation. `env` = { endpoint, caCertificate, subscriptionId, token };
 * `options.ficRetryDelaysMs` sets our federated-credential retry delays; `options.httpClient`
 * replaces the network (SDK clients only), to measure the client layer alone.
 * Returns { counts, get, create, list, createFic, close }.
 */
export async function createImplementation(name, env, options = {}) {
  const counts = {};
  const credential = staticCredential(env.token);
  const pipelineOptions = {
    tlsOptions: { ca: env.caCertificate },
    additionalPolicies: [{ policy: statusCounter(counts), position: "perRetry" }],
    ...(options.httpClient ? { httpClient: options.httpClient } : {}),
  };
  if (name === "ours") {
    const { ManagedServiceIdentityClient } = await import("arm-managed-identity");
    const client = new ManagedServiceIdentityClient(credential, env.subscriptionId, {
      ...pipelineOptions,
      apiVersion: API_VERSION,
      endpoint: env.endpoint,
      ...(options.ficRetryDelaysMs ? { federatedCredentialRetry: { retryDelaysInMs: options.ficRetryDelaysMs, maxRetries: 10 } } : {}),
    });
    return sdkImplementation(client, counts);
  }
  if (name === "arm-msi") {
    const { ManagedServiceIdentityClient } = await import("@azure/arm-msi");
    // No apiVersion option: its default is 2024-11-30, and the option would add a URL-rewriting policy.
    const client = new ManagedServiceIdentityClient(credential, env.subscriptionId, {
      ...pipelineOptions,
      endpoint: env.endpoint,
      credentialScopes: [`${env.endpoint}/.default`],
    });
    return sdkImplementation(client, counts);
  }
  if (name === "raw") {
    if (options.httpClient) throw new Error("The raw fetch implementation always uses the network.");
    return rawImplementation(env, counts);
  }
  throw new Error(`Unknown implementation "${name}"; expected one of ${IMPLEMENTATIONS.join(", ")}.`);
}

function sdkImplementation(client, counts) {
  return {
    counts,
    get: (rg, identity) => client.userAssignedIdentities.get(rg, identity),
    create: (rg, identity, body) => client.userAssignedIdentities.createOrUpdate(rg, identity, body),
    async list(onItem) {
      for await (const item of client.userAssignedIdentities.listBySubscription()) onItem(item);
    },
    createFic: (rg, identity, fic, body) => client.federatedIdentityCredentials.createOrUpdate(rg, identity, fic, body),
    close: async () => {},
  };
}

function rawImplementation(env, counts) {
  const dispatcher = new Agent({ connect: { ca: env.caCertificate }, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${env.token}`, accept: "application/json" };
  const base = `${env.endpoint}/subscriptions/${env.subscriptionId}`;
  const identityUrl = (rg, identity) =>
    `${base}/resourceGroups/${encodeURIComponent(rg)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${encodeURIComponent(identity)}`;
  async function send(method, url, body) {
    const response = await fetch(url, {
      method,
      dispatcher,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    counts[response.status] = (counts[response.status] ?? 0) + 1;
    const parsed = await response.json();
    if (!response.ok) {
      const error = new Error(`${method} ${url} answered ${response.status}: ${parsed?.error?.code}`);
      error.statusCode = response.status;
      throw error;
    }
    return parsed;
  }
  return {
    counts,
    get: (rg, identity) => send("GET", `${identityUrl(rg, identity)}?api-version=${API_VERSION}`),
    create: (rg, identity, body) => send("PUT", `${identityUrl(rg, identity)}?api-version=${API_VERSION}`, body),
    async list(onItem) {
      let url = `${base}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${API_VERSION}`;
      while (url) {
        const page = await send("GET", url);
        for (const item of page.value) onItem(item);
        url = page.nextLink;
      }
    },
    createFic: (rg, identity, fic, body) =>
      send("PUT", `${identityUrl(rg, identity)}/federatedIdentityCredentials/${encodeURIComponent(fic)}?api-version=${API_VERSION}`, body),
    close: () => dispatcher.close(),
  };
}
