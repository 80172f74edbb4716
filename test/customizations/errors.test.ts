/**
 * Typed errors built from real failures: the generated 2024-11-30 client talks to msw, which answers
 * with ARM error envelopes; toManagedIdentityError turns the RestError the client throws into the
 * right subclass.
 */
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { RestError, isRestError } from "@azure/core-rest-pipeline";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { ManagedServiceIdentityClient } from "../../src/generated/2024-11-30/index";
import {
  AuthenticationFailedError,
  BadRequestError,
  ConcurrentFederatedCredentialWriteError,
  ManagedIdentityError,
  ResourceConflictError,
  ResourceExistsError,
  ResourceNotFoundError,
  ThrottledError,
  isConcurrentFederatedCredentialWriteError,
  parseRetryAfter,
  toManagedIdentityError,
} from "../../src/customizations/errors";

const endpoint = "https://management.azure.com";
const subscriptionId = "6a1b0d4e-3f0c-4c8e-9c43-0d3a7c2b1e55";
const ficPath = `/subscriptions/${subscriptionId}/resourceGroups/rg-1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1/federatedIdentityCredentials/:name`;
const identityPath = `/subscriptions/${subscriptionId}/resourceGroups/rg-1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/:name`;

const credential: TokenCredential = {
  async getToken(): Promise<AccessToken> {
    return { token: "token", expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const client = new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint, retryOptions: { maxRetries: 0 } });

interface Envelope {
  code: string;
  message: string;
  target?: string;
  details?: unknown[];
  additionalInfo?: unknown[];
}

/** Makes msw answer every identity/credential request with one ARM error. */
function answer(status: number, error: Envelope, headers: Record<string, string> = {}): void {
  const reply = () =>
    HttpResponse.json(
      { error },
      { status, headers: { "x-ms-request-id": `req-${status}`, "x-ms-correlation-request-id": `corr-${status}`, ...headers } },
    );
  server.use(http.all(`${endpoint}${ficPath}`, reply), http.all(`${endpoint}${identityPath}`, reply));
}

/** Runs a failing call and returns what the generated client threw, converted. */
async function failure(call: () => Promise<unknown>): Promise<{ raw: unknown; typed: unknown }> {
  try {
    await call();
  } catch (raw) {
    return { raw, typed: toManagedIdentityError(raw) };
  }
  throw new Error("the call did not fail");
}

const fic = { issuer: "https://token.actions.githubusercontent.com", subject: "repo:o/r:pull_request", audiences: ["api://AzureADTokenExchange"] };

function expectTyped(typed: unknown, raw: unknown, status: number, code: string): ManagedIdentityError {
  expect(raw).toBeInstanceOf(RestError);
  expect(typed).not.toBe(raw);
  expect(typed).toBeInstanceOf(ManagedIdentityError);
  expect(typed).toBeInstanceOf(RestError);
  expect(typed).toBeInstanceOf(Error);
  expect(isRestError(typed)).toBe(true);
  const e = typed as ManagedIdentityError;
  const r = raw as RestError;
  expect(e.statusCode).toBe(status);
  expect(e.code).toBe(code);
  expect(e.request).toBe(r.request);
  expect(e.response).toBe(r.response);
  expect(e.request?.url).toContain("api-version=2024-11-30");
  expect(e.requestId).toBe(`req-${status}`);
  expect(e.correlationId).toBe(`corr-${status}`);
  expect(e.stack).toContain(e.name);
  expect(e.stack?.split("\n").slice(1)).toEqual(r.stack?.split("\n").slice(1));
  return e;
}

describe("toManagedIdentityError on real responses of the generated client", () => {
  it("404 → ResourceNotFoundError with target, details and additionalInfo", async () => {
    const details = [{ code: "ParentNotFound", message: "The parent user-assigned identity doesn't exist.", target: "id-1" }];
    const additionalInfo = [{ type: "PolicyViolation", info: { policy: "p1" } }];
    answer(404, { code: "ResourceNotFound", message: "The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/id-1' under resource group 'rg-1' was not found.", target: "resourceName", details, additionalInfo });
    const { raw, typed } = await failure(() => client.userAssignedIdentities.get("rg-1", "id-1"));
    const e = expectTyped(typed, raw, 404, "ResourceNotFound");
    expect(e).toBeInstanceOf(ResourceNotFoundError);
    expect(e.name).toBe("ResourceNotFoundError");
    expect(e.message).toMatch(/was not found/);
    expect(e.target).toBe("resourceName");
    expect(e.details).toEqual(details);
    expect(e.additionalInfo).toEqual(additionalInfo);
  });

  it("409 → ResourceConflictError", async () => {
    answer(409, { code: "Conflict", message: "The operation conflicts with the resource's state." });
    const { raw, typed } = await failure(() => client.userAssignedIdentities.delete("rg-1", "id-1"));
    const e = expectTyped(typed, raw, 409, "Conflict");
    expect(e).toBeInstanceOf(ResourceConflictError);
    expect(e).not.toBeInstanceOf(ResourceExistsError);
    expect(e).not.toBeInstanceOf(ConcurrentFederatedCredentialWriteError);
    expect(e.details).toEqual([]);
  });

  it("400 duplicate issuer + subject → ResourceExistsError (a conflict), status kept", async () => {
    answer(400, { code: "BadRequest", message: "Issuer and subject combination already exists for this Managed Identity." });
    const { raw, typed } = await failure(() => client.federatedIdentityCredentials.createOrUpdate("rg-1", "id-1", "fic-2", fic));
    const e = expectTyped(typed, raw, 400, "BadRequest");
    expect(e).toBeInstanceOf(ResourceExistsError);
    expect(e).toBeInstanceOf(ResourceConflictError);
    expect(e.name).toBe("ResourceExistsError");
  });

  it("other 400 → BadRequestError", async () => {
    answer(400, { code: "BadRequest", message: "Federated identity credentials must have exactly one audience.", target: "audiences" });
    const { raw, typed } = await failure(() => client.federatedIdentityCredentials.createOrUpdate("rg-1", "id-1", "fic-2", fic));
    const e = expectTyped(typed, raw, 400, "BadRequest");
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e.target).toBe("audiences");
  });

  it.each([
    [401, "InvalidAuthenticationToken"],
    [403, "AuthorizationFailed"],
  ])("%d → AuthenticationFailedError", async (status, code) => {
    answer(status, { code, message: "The client does not have authorization to perform action." });
    const { raw, typed } = await failure(() => client.userAssignedIdentities.get("rg-1", "id-1"));
    expect(expectTyped(typed, raw, status, code)).toBeInstanceOf(AuthenticationFailedError);
  });

  it("429 with Retry-After seconds → ThrottledError with retryAfterInMs", async () => {
    answer(429, { code: "TooManyRequests", message: "Too many requests." }, { "Retry-After": "7" });
    const { raw, typed } = await failure(() => client.userAssignedIdentities.get("rg-1", "id-1"));
    const e = expectTyped(typed, raw, 429, "TooManyRequests") as ThrottledError;
    expect(e).toBeInstanceOf(ThrottledError);
    expect(e.retryAfterInMs).toBe(7000);
  });

  it("429 with Retry-After as an HTTP date → a wait close to that date", async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    answer(429, { code: "TooManyRequests", message: "Too many requests." }, { "Retry-After": at });
    const { raw, typed } = await failure(() => client.userAssignedIdentities.get("rg-1", "id-1"));
    const e = expectTyped(typed, raw, 429, "TooManyRequests") as ThrottledError;
    expect(e.retryAfterInMs).toBeGreaterThan(60_000);
    expect(e.retryAfterInMs).toBeLessThanOrEqual(120_000);
  });

  it("409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity → ConcurrentFederatedCredentialWriteError", async () => {
    const message =
      "Too many Federated Identity Credentials are written concurrently for the managed identity '/subscriptions/x/resourcegroups/rg-1/providers/microsoft.managedidentity/userassignedidentities/id-1'. Concurrent Federated Identity Credentials writes under the same managed identity are not supported.";
    answer(409, { code: "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity", message });
    const { raw, typed } = await failure(() => client.federatedIdentityCredentials.createOrUpdate("rg-1", "id-1", "fic-3", fic));
    const e = expectTyped(typed, raw, 409, "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity");
    expect(e).toBeInstanceOf(ConcurrentFederatedCredentialWriteError);
    expect(e).toBeInstanceOf(ResourceConflictError);
    expect(e.message).toBe(message);
    expect(isConcurrentFederatedCredentialWriteError(raw)).toBe(true);
    expect(isConcurrentFederatedCredentialWriteError(e)).toBe(true);
  });

  it("500 → plain ManagedIdentityError", async () => {
    answer(500, { code: "InternalServerError", message: "Something failed." });
    const { raw, typed } = await failure(() => client.userAssignedIdentities.get("rg-1", "id-1"));
    const e = expectTyped(typed, raw, 500, "InternalServerError");
    expect(e.constructor).toBe(ManagedIdentityError);
    expect(e.name).toBe("ManagedIdentityError");
  });

  it("a body that is not an ARM envelope keeps the RestError's code and message", async () => {
    server.use(http.get(`${endpoint}${identityPath}`, () => new HttpResponse("upstream gateway failure", { status: 502, headers: { "content-type": "text/plain", "x-ms-request-id": "req-502" } })));
    const { raw, typed } = await failure(() => client.userAssignedIdentities.get("rg-1", "id-1"));
    const e = typed as ManagedIdentityError;
    expect(e).toBeInstanceOf(ManagedIdentityError);
    expect(e.statusCode).toBe(502);
    expect(e.message).toBe((raw as RestError).message);
    expect(e.requestId).toBe("req-502");
  });
});

describe("toManagedIdentityError leaves other values alone", () => {
  it.each([[new Error("plain")], ["text"], [undefined], [null], [42], [{ statusCode: 404 }]])("returns %p unchanged", (value) => {
    expect(toManagedIdentityError(value)).toBe(value);
  });

  it("returns RestErrors without a status (network failures) unchanged", () => {
    const error = new RestError("socket hang up", { code: RestError.REQUEST_SEND_ERROR });
    expect(toManagedIdentityError(error)).toBe(error);
  });

  it("returns an already typed error unchanged", () => {
    const error = new ResourceNotFoundError("gone", { statusCode: 404 });
    expect(toManagedIdentityError(error)).toBe(error);
  });

  it("converts a hand-made RestError whose response has only parsedBody", () => {
    const response = {
      status: 404,
      headers: { get: (name: string) => (name === "x-ms-request-id" ? "rid" : undefined) },
      parsedBody: { error: { code: "ResourceGroupNotFound", message: "Resource group 'x' could not be found." } },
    };
    const error = new RestError("raw", { statusCode: 404, response: response as never });
    const typed = toManagedIdentityError(error) as ManagedIdentityError;
    expect(typed).toBeInstanceOf(ResourceNotFoundError);
    expect(typed.code).toBe("ResourceGroupNotFound");
    expect(typed.message).toBe("Resource group 'x' could not be found.");
    expect(typed.requestId).toBe("rid");
  });
});

describe("parseRetryAfter", () => {
  const headers = (values: Record<string, string>) => ({ headers: { get: (name: string) => values[name.toLowerCase()] } }) as never;
  it("prefers retry-after-ms, then x-ms-retry-after-ms, then Retry-After", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(parseRetryAfter(headers({ "x-ms-retry-after-ms": "300", "retry-after": "9" }))).toBe(300);
    expect(parseRetryAfter(headers({ "retry-after": "9" }))).toBe(9000);
  });
  it("reads HTTP dates relative to now, never negative", () => {
    const now = Date.parse("Sun, 22 Nov 2026 10:00:00 GMT");
    expect(parseRetryAfter(headers({ "retry-after": "Sun, 22 Nov 2026 10:00:30 GMT" }), now)).toBe(30_000);
    expect(parseRetryAfter(headers({ "retry-after": "Sun, 22 Nov 2026 09:00:00 GMT" }), now)).toBe(0);
  });
  it("gives undefined for missing or unreadable headers", () => {
    expect(parseRetryAfter(headers({}))).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
