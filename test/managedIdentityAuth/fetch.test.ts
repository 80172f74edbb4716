import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import {
  createManagedIdentityFetch,
  ManagedIdentityTokenError,
  type FetchFunction,
  type ManagedIdentityFetchOptions,
} from "../../src/customizations/managedIdentityAuth.js";
import { deferred, FakeCredential, numberedToken } from "./fakeCredential.js";

const backendUrl = "https://backend.example.test/api/orders";

interface Received {
  method: string;
  authorization: string | null;
  custom: string | null;
  body: string;
}
const received: Received[] = [];

const server = setupServer(
  http.all(backendUrl, async ({ request }) => {
    received.push({
      method: request.method,
      authorization: request.headers.get("authorization"),
      custom: request.headers.get("x-custom"),
      body: await request.text(),
    });
    return HttpResponse.json({ ok: true });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  received.length = 0;
});
afterAll(() => server.close());

function fetchWith(credential: FakeCredential, options: Partial<ManagedIdentityFetchOptions> = {}): FetchFunction {
  return createManagedIdentityFetch({ resource: "https://vault.azure.net", credential, ...options });
}

describe("createManagedIdentityFetch", () => {
  it("wraps the global fetch and sends the token as a bearer, keeping the caller's headers and body", async () => {
    const credential = new FakeCredential((call) => numberedToken(call));
    const authFetch = fetchWith(credential);

    const response = await authFetch(backendUrl, {
      method: "POST",
      headers: { "x-custom": "kept", authorization: "Bearer stale-from-caller" },
      body: JSON.stringify({ order: 1 }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(credential.scopes).toEqual(["https://vault.azure.net/.default"]);
    expect(received).toEqual([{ method: "POST", authorization: "Bearer token-1", custom: "kept", body: '{"order":1}' }]);
  });

  it("accepts a Request or a URL as input", async () => {
    const credential = new FakeCredential((call) => numberedToken(call));
    const authFetch = fetchWith(credential);

    await authFetch(new Request(backendUrl, { method: "PUT", headers: { "x-custom": "from-request" }, body: "payload" }));
    await authFetch(new URL(backendUrl));

    expect(received).toEqual([
      { method: "PUT", authorization: "Bearer token-1", custom: "from-request", body: "payload" },
      { method: "GET", authorization: "Bearer token-1", custom: null, body: "" },
    ]);
    expect(credential.calls).toBe(1);
  });

  it("uses the fetch given in the options", async () => {
    const credential = new FakeCredential((call) => numberedToken(call));
    const forwarded: Array<string | null> = [];
    const innerFetch: FetchFunction = (input, init) => {
      forwarded.push(new Headers(init?.headers).get("authorization"));
      return fetch(input, init);
    };

    await fetchWith(credential, { fetch: innerFetch })(backendUrl);

    expect(forwarded).toEqual(["Bearer token-1"]);
    expect(received.map((r) => r.authorization)).toEqual(["Bearer token-1"]);
  });

  it("makes exactly one getToken call for 50 concurrent calls on an empty cache, and none for later ones", async () => {
    const gate = deferred<ReturnType<typeof numberedToken>>();
    const credential = new FakeCredential(() => gate.promise);
    const authFetch = fetchWith(credential);

    const responses = Array.from({ length: 50 }, () => authFetch(backendUrl));
    expect(credential.calls).toBe(1);
    gate.resolve({ token: "shared-token", expiresOnTimestamp: Date.now() + 3_600_000 });
    await Promise.all(responses);
    await authFetch(backendUrl);

    expect(credential.calls).toBe(1);
    expect(received.map((r) => r.authorization)).toEqual(Array(51).fill("Bearer shared-token"));
  });

  it("refreshes a token inside the refresh window", async () => {
    const credential = new FakeCredential((call) => numberedToken(call, call === 0 ? 60_000 : 3_600_000));
    const authFetch = fetchWith(credential);

    await authFetch(backendUrl);
    await authFetch(backendUrl);

    expect(received.map((r) => r.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
  });

  it("rejects with a ManagedIdentityTokenError and never calls the backend when no token can be had", async () => {
    const credential = new FakeCredential(() => Promise.reject(new Error("Identity not found")));
    const authFetch = fetchWith(credential);

    await expect(authFetch(backendUrl)).rejects.toThrow(ManagedIdentityTokenError);
    await expect(authFetch(backendUrl)).rejects.toThrow(
      /resource "https:\/\/vault\.azure\.net" with the supplied credential \(FakeCredential\): Identity not found/,
    );
    expect(credential.calls).toBe(2);
    expect(received).toEqual([]);
  });

  it("with ignoreError sends the request without an Authorization header", async () => {
    const credential = new FakeCredential(() => Promise.reject(new Error("Identity not found")));

    const response = await fetchWith(credential, { ignoreError: true })(backendUrl, { headers: { "x-custom": "kept" } });

    expect(response.status).toBe(200);
    expect(received).toEqual([{ method: "GET", authorization: null, custom: "kept", body: "" }]);
  });

  it("calls onToken with the token and its expiry", async () => {
    const expiresOnTimestamp = Date.now() + 3_600_000;
    const credential = new FakeCredential(() => ({ token: "output-token", expiresOnTimestamp }));
    const onToken = jest.fn();

    await fetchWith(credential, { onToken })(backendUrl);

    expect(onToken).toHaveBeenCalledWith("output-token", expiresOnTimestamp);
  });

  it("stops waiting for the token when init.signal or the Request's signal fires", async () => {
    const gate = deferred<ReturnType<typeof numberedToken>>();
    const credential = new FakeCredential(() => gate.promise);
    const authFetch = fetchWith(credential);

    const viaInit = new AbortController();
    const first = authFetch(backendUrl, { signal: viaInit.signal });
    viaInit.abort();
    await expect(first).rejects.toMatchObject({ name: "AbortError" });

    const viaRequest = new AbortController();
    const second = authFetch(new Request(backendUrl, { signal: viaRequest.signal }));
    viaRequest.abort();
    await expect(second).rejects.toMatchObject({ name: "AbortError" });

    expect(received).toEqual([]);
    gate.resolve(numberedToken(0));
  });

  it("refuses to send a bearer token to an http URL unless allowInsecureConnection is set", async () => {
    const credential = new FakeCredential((call) => numberedToken(call));
    await expect(fetchWith(credential)("http://backend.example.test/api/orders")).rejects.toThrow(
      /^Invalid url "http:\/\/backend\.example\.test\/api\/orders": must be an https URL to carry a bearer token/,
    );
    expect(credential.calls).toBe(0);
  });
});
