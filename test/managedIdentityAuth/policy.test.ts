import { ServiceClient } from "@azure/core-client";
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  type PipelinePolicy,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import {
  managedIdentityAuthPolicy,
  managedIdentityAuthPolicyName,
  ManagedIdentityTokenError,
  type ManagedIdentityAuthOptions,
} from "../../src/customizations/managedIdentityAuth.js";
import { deferred, FakeCredential, numberedToken } from "./fakeCredential.js";

const backendUrl = "https://backend.example.test/api/orders";
/** The Authorization header of every request the backend received (null when absent). */
const received: Array<string | null> = [];

const server = setupServer(
  http.all(backendUrl, ({ request }) => {
    received.push(request.headers.get("authorization"));
    return HttpResponse.json({ ok: true });
  }),
  http.get("http://backend.example.test/api/orders", ({ request }) => {
    received.push(request.headers.get("authorization"));
    return HttpResponse.json({ ok: true });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  received.length = 0;
});
afterAll(() => server.close());

/** A core-client ServiceClient with the policy in its pipeline, as a generated client would have it. */
function serviceClient(policy: PipelinePolicy): ServiceClient {
  return new ServiceClient({ additionalPolicies: [{ policy, position: "perRetry" }] });
}

function send(
  client: ServiceClient,
  init: { url?: string; authorization?: string; abortSignal?: AbortSignal; allowInsecureConnection?: boolean } = {},
): Promise<PipelineResponse> {
  const headers = createHttpHeaders(init.authorization ? { authorization: init.authorization } : {});
  return client.sendRequest(
    createPipelineRequest({
      url: init.url ?? backendUrl,
      method: "GET",
      headers,
      abortSignal: init.abortSignal,
      allowInsecureConnection: init.allowInsecureConnection,
    }),
  );
}

function policyWith(credential: FakeCredential, options: Partial<ManagedIdentityAuthOptions> = {}): PipelinePolicy {
  return managedIdentityAuthPolicy({ resource: "api://my-backend", credential, ...options });
}

describe("managedIdentityAuthPolicy in a core-client ServiceClient", () => {
  it("asks for <resource>/.default and sends the token as a bearer, replacing any Authorization header", async () => {
    const credential = new FakeCredential((call) => numberedToken(call));
    const policy = policyWith(credential);
    expect(policy.name).toBe(managedIdentityAuthPolicyName);

    const response = await send(serviceClient(policy), { authorization: "Bearer stale-from-caller" });

    expect(response.status).toBe(200);
    expect(credential.scopes).toEqual(["api://my-backend/.default"]);
    expect(received).toEqual(["Bearer token-1"]);
  });

  it("reuses the cached token: a second request makes no new getToken call", async () => {
    const credential = new FakeCredential((call) => numberedToken(call));
    const client = serviceClient(policyWith(credential));

    await send(client);
    await send(client);

    expect(credential.calls).toBe(1);
    expect(received).toEqual(["Bearer token-1", "Bearer token-1"]);
  });

  it("refreshes a token that expires within the refresh window (default 5 minutes)", async () => {
    // The first token expires in 1 minute, inside the default window; the second in an hour.
    const credential = new FakeCredential((call) => numberedToken(call, call === 0 ? 60_000 : 3_600_000));
    const client = serviceClient(policyWith(credential));

    await send(client);
    await send(client);
    await send(client);

    expect(credential.calls).toBe(2);
    expect(received).toEqual(["Bearer token-1", "Bearer token-2", "Bearer token-2"]);
  });

  it("honours refreshBeforeExpiryInMs", async () => {
    // A one-hour token is due at once with a two-hour window, and not due with the default window.
    const eager = new FakeCredential((call) => numberedToken(call));
    const eagerClient = serviceClient(policyWith(eager, { refreshBeforeExpiryInMs: 2 * 3_600_000 }));
    await send(eagerClient);
    await send(eagerClient);
    expect(eager.calls).toBe(2);

    const lazy = new FakeCredential((call) => numberedToken(call));
    const lazyClient = serviceClient(policyWith(lazy));
    await send(lazyClient);
    await send(lazyClient);
    expect(lazy.calls).toBe(1);
  });

  it("refreshes once the token's refreshAfterTimestamp has passed", async () => {
    const credential = new FakeCredential((call) => ({
      ...numberedToken(call),
      refreshAfterTimestamp: call === 0 ? Date.now() - 1 : undefined,
    }));
    const client = serviceClient(policyWith(credential));

    await send(client);
    await send(client);

    expect(credential.calls).toBe(2);
    expect(received).toEqual(["Bearer token-1", "Bearer token-2"]);
  });

  it("calls onToken with the token and its expiry for every request", async () => {
    const token = { token: "token-with-expiry", expiresOnTimestamp: Date.now() + 3_600_000 };
    const credential = new FakeCredential(() => token);
    const seen: Array<[string, number]> = [];
    const client = serviceClient(policyWith(credential, { onToken: (value, expiresOn) => seen.push([value, expiresOn]) }));

    await send(client);
    await send(client);

    expect(seen).toEqual([
      ["token-with-expiry", token.expiresOnTimestamp],
      ["token-with-expiry", token.expiresOnTimestamp],
    ]);
  });

  it("rejects with a ManagedIdentityTokenError naming the resource and identity, and never sends the request", async () => {
    const cause = new Error("ManagedIdentityCredential: Authentication failed. Identity not found");
    const credential = new FakeCredential(() => Promise.reject(cause));
    const client = serviceClient(policyWith(credential));

    const error = await send(client).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ManagedIdentityTokenError);
    const tokenError = error as ManagedIdentityTokenError;
    expect(tokenError.message).toContain('resource "api://my-backend"');
    expect(tokenError.message).toContain("the supplied credential (FakeCredential)");
    expect(tokenError.message).toContain("Identity not found");
    expect(tokenError.resource).toBe("api://my-backend");
    expect(tokenError.cause).toBe(cause);
    expect(received).toEqual([]);
  });

  it("with ignoreError sends the request without an Authorization header", async () => {
    const credential = new FakeCredential(() => Promise.reject(new Error("no identity here")));
    const client = serviceClient(policyWith(credential, { ignoreError: true }));

    const response = await send(client);

    expect(response.status).toBe(200);
    expect(received).toEqual([null]);
  });

  it("does not remember a failed acquisition: the next request tries again", async () => {
    const credential = new FakeCredential((call) =>
      call === 0 ? Promise.reject(new Error("endpoint not ready")) : numberedToken(call),
    );
    const client = serviceClient(policyWith(credential));

    await expect(send(client)).rejects.toThrow(ManagedIdentityTokenError);
    await send(client);

    expect(credential.calls).toBe(2);
    expect(received).toEqual(["Bearer token-2"]);
  });

  it("keeps using a cached, not yet expired token when its refresh fails", async () => {
    const credential = new FakeCredential((call) =>
      call === 0 ? numberedToken(call, 60_000) : Promise.reject(new Error("endpoint down")),
    );
    const client = serviceClient(policyWith(credential));

    await send(client);
    await send(client);

    expect(credential.calls).toBe(2);
    expect(received).toEqual(["Bearer token-1", "Bearer token-1"]);
  });

  it("rejects a token-less answer from the credential", async () => {
    const credential = new FakeCredential(() => null);
    await expect(send(serviceClient(policyWith(credential)))).rejects.toThrow(/returned no usable token/);
    expect(received).toEqual([]);
  });

  it("stops waiting for the token when the request's abortSignal fires, without spoiling the shared acquisition", async () => {
    const gate = deferred<ReturnType<typeof numberedToken>>();
    const credential = new FakeCredential(() => gate.promise);
    const client = serviceClient(policyWith(credential));
    const controller = new AbortController();

    const aborted = send(client, { abortSignal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });

    gate.resolve({ token: "late-token", expiresOnTimestamp: Date.now() + 3_600_000 });
    await send(client);
    expect(credential.calls).toBe(1);
    expect(received).toEqual(["Bearer late-token"]);
  });

  it("refuses to send a bearer token to an http URL unless allowInsecureConnection is set", async () => {
    // The request itself may go over http (the HTTP client allows it); the token may not.
    const url = "http://backend.example.test/api/orders";
    const refusing = new FakeCredential((call) => numberedToken(call));
    await expect(send(serviceClient(policyWith(refusing)), { url, allowInsecureConnection: true })).rejects.toThrow(
      /^Invalid url "http:\/\/backend\.example\.test\/api\/orders": must be an https URL to carry a bearer token; set the option allowInsecureConnection/,
    );
    expect(refusing.calls).toBe(0);

    const allowing = new FakeCredential((call) => numberedToken(call));
    await send(serviceClient(policyWith(allowing, { allowInsecureConnection: true })), { url, allowInsecureConnection: true });
    expect(received).toEqual(["Bearer token-1"]);
  });
});

describe("managedIdentityAuthPolicy in a bare pipeline (createEmptyPipeline + createDefaultHttpClient)", () => {
  it("makes exactly one getToken call for 50 concurrent requests on an empty cache", async () => {
    const gate = deferred<ReturnType<typeof numberedToken>>();
    const credential = new FakeCredential(() => gate.promise);
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(policyWith(credential));
    const httpClient = createDefaultHttpClient();

    const responses = Array.from({ length: 50 }, () =>
      pipeline.sendRequest(httpClient, createPipelineRequest({ url: backendUrl })),
    );
    // Every request is now waiting on the one acquisition.
    expect(credential.calls).toBe(1);
    gate.resolve({ token: "shared-token", expiresOnTimestamp: Date.now() + 3_600_000 });
    const statuses = (await Promise.all(responses)).map((r) => r.status);

    expect(credential.calls).toBe(1);
    expect(statuses).toEqual(Array(50).fill(200));
    expect(received).toEqual(Array(50).fill("Bearer shared-token"));
  });

  it("makes exactly one more getToken call for 50 concurrent requests when the cached token is due", async () => {
    const gate = deferred<ReturnType<typeof numberedToken>>();
    const credential = new FakeCredential((call) => (call === 0 ? numberedToken(call, 60_000) : gate.promise));
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(policyWith(credential));
    const httpClient = createDefaultHttpClient();
    await pipeline.sendRequest(httpClient, createPipelineRequest({ url: backendUrl }));
    received.length = 0;

    const responses = Array.from({ length: 50 }, () =>
      pipeline.sendRequest(httpClient, createPipelineRequest({ url: backendUrl })),
    );
    expect(credential.calls).toBe(2);
    gate.resolve({ token: "refreshed-token", expiresOnTimestamp: Date.now() + 3_600_000 });
    await Promise.all(responses);

    expect(credential.calls).toBe(2);
    expect(received).toEqual(Array(50).fill("Bearer refreshed-token"));
  });
});

describe("managedIdentityAuthPolicy logging", () => {
  const lines: string[] = [];
  const originalLog = AzureLogger.log;
  let originalLevel: AzureLogLevel | undefined;

  beforeAll(() => {
    originalLevel = getLogLevel();
    setLogLevel("verbose");
    AzureLogger.log = (...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    };
  });
  afterAll(() => {
    AzureLogger.log = originalLog;
    setLogLevel(originalLevel);
  });

  it("logs acquisitions at verbose and failures at warning under arm-managed-identity, never the token", async () => {
    const secret = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-token-body";
    const credential = new FakeCredential((call) =>
      call === 0 ? { token: secret, expiresOnTimestamp: Date.now() + 60_000 } : Promise.reject(new Error("endpoint down")),
    );
    const client = serviceClient(policyWith(credential, { ignoreError: true }));

    await send(client);
    await send(client);

    const ours = lines.filter((line) => line.includes("arm-managed-identity"));
    expect(ours.some((line) => /arm-managed-identity:verbose.*Acquired a token for resource "api:\/\/my-backend"/.test(line))).toBe(true);
    expect(ours.some((line) => /arm-managed-identity:warning.*Could not get a token.*endpoint down/.test(line))).toBe(true);
    expect(lines.some((line) => line.includes(secret))).toBe(false);
  });
});
