/**
 * Managed-identity authentication to any backend, like API Management's
 * `authentication-managed-identity` policy: a pipeline policy (`managedIdentityAuthPolicy`) and a
 * fetch wrapper (`createManagedIdentityFetch`) put a token for the backend's app ID URI on every
 * request, cache it, and with `ignoreError` send the request without one when none can be had.
 *
 * The backend is a small HTTPS server started here (its own self-signed certificate, from
 * `selfsigned`) that checks the bearer token's audience. A real backend also validates the
 * signature against Microsoft Entra ID's keys with a JWT library; the emulator signs its tokens
 * with a secret of its own, so this backend reads the claims only.
 *
 * Needs a managed identity: the emulator, or an Azure host (VM, App Service, …) whose identity may
 * get tokens for the resource. Pass a user-assigned identity's client id to use it for the fetch part:
 *   npm run sample:backend-auth -- <client-id>
 *
 * Run: npm run sample:backend-auth
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { ServiceClient } from "@azure/core-client";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { ManagedIdentityTokenError, ManagedServiceIdentityClient, ResourceNotFoundError, createManagedIdentityFetch, managedIdentityAuthPolicy } from "arm-managed-identity";
import type { FetchFunction } from "arm-managed-identity";
import { generate } from "selfsigned";
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from "undici";
import { armCredential, armEndpoint, decodeJwtClaims, ensureResourceGroup, onEmulator, resourceGroup, runSample, subscriptionId } from "./shared/sampleEnvironment.js";

/** The backend's app ID URI: tokens must carry it as their audience. */
const resource = "api://arm-managed-identity-sample-backend";

interface Backend {
  url: string;
  certificate: string;
  /** Requests the backend received. */
  received: number;
  close(): Promise<void>;
}

/** Starts the backend: 200 with the caller's identity for a token of the right audience, 401 otherwise. */
async function startBackend(): Promise<Backend> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  const backend = { received: 0 } as Backend;
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    backend.received++;
    const reply = (status: number, body: object): void => {
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? "");
    if (!match) return reply(401, { error: "no bearer token" });
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwtClaims(match[1]!);
    } catch {
      return reply(401, { error: "the token is not a JWT" });
    }
    if (String(claims.aud).replace(/\/$/, "") !== resource) return reply(401, { error: `wrong audience ${String(claims.aud)}` });
    if (typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) return reply(401, { error: "expired token" });
    reply(200, { caller: { clientId: claims.appid, objectId: claims.oid }, path: request.url });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  backend.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  backend.certificate = pems.cert;
  backend.close = () => new Promise((resolve) => server.close(() => resolve()));
  return backend;
}

/** A user-assigned identity for the fetch part: the one given, or on the emulator one made here. */
async function userAssignedClientId(): Promise<string | undefined> {
  if (process.argv[2]) return process.argv[2];
  if (!onEmulator) return undefined;
  const credential = armCredential();
  await ensureResourceGroup(credential);
  const client = new ManagedServiceIdentityClient(credential, subscriptionId(), { endpoint: armEndpoint });
  const name = "backend-caller";
  const identity = await client.userAssignedIdentities.get(resourceGroup, name).catch((error: unknown) => {
    if (error instanceof ResourceNotFoundError) return client.userAssignedIdentities.createOrUpdate(resourceGroup, name, { location: "westus" });
    throw error;
  });
  return identity.clientId;
}

async function main(): Promise<void> {
  const backend = await startBackend();
  try {
    console.log(`backend listening at ${backend.url}, accepting tokens for ${resource}`);

    // 1. A pipeline policy on a core-client ServiceClient, as the system-assigned identity.
    const tokens: string[] = [];
    const client = new ServiceClient({
      tlsOptions: { ca: backend.certificate },
      additionalPolicies: [
        { policy: managedIdentityAuthPolicy({ resource, onToken: (token) => tokens.push(token) }), position: "perRetry" },
      ],
    });
    for (const call of [1, 2]) {
      const response = await client.sendRequest(createPipelineRequest({ url: `${backend.url}/orders` }));
      const reused = call === 2 && tokens[1] === tokens[0] ? " (same token as call 1: served from the policy's cache)" : "";
      console.log(`policy call ${call}: HTTP ${response.status} ${response.bodyAsText}${reused}`);
      if (response.status !== 200) throw new Error(`The backend refused policy call ${call}.`);
    }

    // The backend's certificate is trusted by this agent only. Node's global fetch takes no CA
    // option, so the wrapper is given undici's fetch (same API) with the agent as dispatcher.
    const agent = new Agent({ connect: { ca: backend.certificate } });
    const trustingFetch = ((input: string | URL | Request, init?: RequestInit) =>
      undiciFetch(input instanceof Request ? input.url : input, { ...init, dispatcher: agent } as UndiciRequestInit)) as unknown as FetchFunction;

    // 2. The fetch wrapper, as a user-assigned identity chosen by client id.
    const clientId = await userAssignedClientId();
    if (clientId) {
      const authFetch = createManagedIdentityFetch({ resource, clientId, fetch: trustingFetch });
      const response = await authFetch(`${backend.url}/invoices`);
      console.log(`fetch as user-assigned ${clientId}: HTTP ${response.status} ${await response.text()}`);
      if (response.status !== 200) throw new Error("The backend refused the fetch call.");
    }

    // 3. A token for another audience is refused by the backend.
    const otherAudience = createManagedIdentityFetch({ resource: "api://some-other-backend", fetch: trustingFetch });
    const refused = await otherAudience(`${backend.url}/orders`);
    console.log(`token for api://some-other-backend: HTTP ${refused.status} ${await refused.text()}`);

    // 4. No token to be had (an identity this host does not have): fail before sending, or with
    //    ignoreError send without a token and let the backend decide.
    const unknownIdentity = randomUUID();
    const before = backend.received;
    try {
      await createManagedIdentityFetch({ resource, clientId: unknownIdentity, fetch: trustingFetch })(`${backend.url}/orders`);
      throw new Error("A request with an unknown identity got a token.");
    } catch (error) {
      if (!(error instanceof ManagedIdentityTokenError)) throw error;
      console.log(`without ignoreError: ${error.name}, request not sent (backend requests: ${backend.received - before})`);
    }
    const lenient = createManagedIdentityFetch({ resource, clientId: unknownIdentity, ignoreError: true, fetch: trustingFetch });
    const anonymous = await lenient(`${backend.url}/orders`);
    console.log(`with ignoreError: sent without a token, backend answered HTTP ${anonymous.status} ${await anonymous.text()}`);
    await agent.close();
  } finally {
    await backend.close();
  }
}

runSample(main);
