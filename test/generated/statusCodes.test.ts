/**
 * Documented status codes and error replies of the generated clients, for every API version:
 * DELETE on 200 and 204, PUT on 200 and 201, and errors surfacing as RestError.
 */
import { RestError } from "@azure/core-rest-pipeline";
import { apiVersionList, type ApiVersion } from "../../src/generated/apiVersions.js";
import { anyClientFor } from "../fixtures/generated/clients.js";
import { OPERATION_CASES } from "../fixtures/generated/operationCases.js";
import { armError, ficModel, ficWire, identityModel, identityWire } from "../fixtures/generated/payloads.js";
import {
  SUBSCRIPTION_IDENTITIES_PATH,
  IDENTITY_PATH,
  FIC_PATH,
  RESOURCE_GROUP as RG,
  IDENTITY as NAME,
  FIC as FIC_NAME,
} from "../fixtures/generated/wireValues.js";
import { expectExchanges, scriptExchanges, useWireServer } from "./wireHarness.js";

const server = useWireServer();

/** Versions with federated identity credentials, as the hand-written case table lists them. */
const WITH_FICS = OPERATION_CASES.federatedIdentityCredentials.delete.versions;

/** Every version crossed with both documented DELETE statuses. */
const deleteStatuses = (versions: readonly ApiVersion[]) => versions.flatMap((v) => [200, 204].map((s) => [v, s] as const));

describe("DELETE resolves on both documented statuses", () => {
  it.each(deleteStatuses(apiVersionList))("%s identity delete on %i", async (version, status) => {
    const exchanges = [{ request: { method: "DELETE", path: IDENTITY_PATH, query: { "api-version": version } }, reply: { status } }] as const;
    const captured = scriptExchanges(server, exchanges);
    await anyClientFor(version).userAssignedIdentities.delete(RG, NAME);
    expectExchanges(captured, exchanges);
  });

  it.each(deleteStatuses(WITH_FICS))("%s federated credential delete on %i", async (version, status) => {
    const exchanges = [{ request: { method: "DELETE", path: FIC_PATH, query: { "api-version": version } }, reply: { status } }] as const;
    const captured = scriptExchanges(server, exchanges);
    await anyClientFor(version).federatedIdentityCredentials.delete(RG, NAME, FIC_NAME);
    expectExchanges(captured, exchanges);
  });
});

describe("PUT parses the body of both 200 (replaced) and 201 (created)", () => {
  it.each(apiVersionList.flatMap((v) => [200, 201].map((s) => [v, s] as const)))("%s identity on %i", async (version, status) => {
    scriptExchanges(server, [
      {
        request: { method: "PUT", path: IDENTITY_PATH, query: { "api-version": version }, body: { location: "northeurope" } },
        reply: { status, body: identityWire(version) },
      },
    ]);
    await expect(
      anyClientFor(version).userAssignedIdentities.createOrUpdate(RG, NAME, { location: "northeurope" }),
    ).resolves.toEqual(identityModel(version));
  });

  it.each(WITH_FICS)("%s federated credential on 200", async (version) => {
    scriptExchanges(server, [
      {
        request: {
          method: "PUT",
          path: FIC_PATH,
          query: { "api-version": version },
          body: {
            properties: {
              issuer: "https://token.ci.harbor.example/oidc",
              subject: "repo:harbor/lighthouse:ref:refs/heads/main",
              audiences: ["api://AzureADTokenExchange"],
            },
          },
        },
        reply: { status: 200, body: ficWire(version) },
      },
    ]);
    await expect(
      anyClientFor(version).federatedIdentityCredentials.createOrUpdate(RG, NAME, FIC_NAME, {
        issuer: "https://token.ci.harbor.example/oidc",
        subject: "repo:harbor/lighthouse:ref:refs/heads/main",
        audiences: ["api://AzureADTokenExchange"],
      }),
    ).resolves.toEqual(ficModel(version));
  });
});

/** Awaits a call that must fail and returns its error. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error("the call succeeded but an error reply was scripted");
    },
    (e: unknown) => e,
  );
}

describe.each([...apiVersionList])("errors on %s surface as RestError", (version) => {
  it("404 on get, with the ARM code, message and body", async () => {
    const message =
      "The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/mi-lighthouse' under resource group 'rg-harbor-blue' was not found.";
    scriptExchanges(server, [
      {
        request: { method: "GET", path: IDENTITY_PATH, query: { "api-version": version } },
        reply: { status: 404, body: armError("ResourceNotFound", message) },
      },
    ]);
    const error = await failure(anyClientFor(version).userAssignedIdentities.get(RG, NAME));
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 404, code: "ResourceNotFound", message });
    expect((error as RestError).details).toEqual({ error: { code: "ResourceNotFound", message } });
  });

  it("400 on createOrUpdate", async () => {
    scriptExchanges(server, [
      {
        request: { method: "PUT", path: IDENTITY_PATH, query: { "api-version": version }, body: { location: "atlantis" } },
        reply: {
          status: 400,
          body: armError("LocationNotAvailableForResourceType", "The provided location 'atlantis' is not available for resource type 'Microsoft.ManagedIdentity/userAssignedIdentities'."),
        },
      },
    ]);
    const error = await failure(anyClientFor(version).userAssignedIdentities.createOrUpdate(RG, NAME, { location: "atlantis" }));
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 400, code: "LocationNotAvailableForResourceType" });
  });

  it("403 with an empty body on delete", async () => {
    scriptExchanges(server, [
      { request: { method: "DELETE", path: IDENTITY_PATH, query: { "api-version": version } }, reply: { status: 403 } },
    ]);
    const error = await failure(anyClientFor(version).userAssignedIdentities.delete(RG, NAME));
    expect(error).toBeInstanceOf(RestError);
    expect((error as RestError).statusCode).toBe(403);
  });

  it("404 on the second page of a list, after the first page was delivered", async () => {
    scriptExchanges(server, [
      {
        request: { method: "GET", path: SUBSCRIPTION_IDENTITIES_PATH, query: { "api-version": version } },
        reply: {
          status: 200,
          body: {
            value: [identityWire(version)],
            nextLink: `https://management.azure.com${SUBSCRIPTION_IDENTITIES_PATH}?api-version=${version}&$skiptoken=gone`,
          },
        },
      },
      {
        request: { method: "GET", path: SUBSCRIPTION_IDENTITIES_PATH, query: { "api-version": version, $skiptoken: "gone" } },
        reply: { status: 404, body: armError("SkipTokenExpired", "The skip token has expired.") },
      },
    ]);
    const pages: unknown[] = [];
    const error = await failure(
      (async () => {
        for await (const page of anyClientFor(version).userAssignedIdentities.listBySubscription().byPage()) {
          pages.push(page);
        }
      })(),
    );
    expect(pages).toEqual([[identityModel(version)]]);
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 404, code: "SkipTokenExpired" });
  });
});

describe.each([...WITH_FICS])("federated credential errors on %s", (version) => {
  it("409 for concurrent writes on one identity", async () => {
    const message =
      "Too many Federated Identity Credentials are written concurrently for the managed identity '/subscriptions/7c4e2a91-3b6d-4f08-a5e2-9d1c0b8f6a34/resourcegroups/rg-harbor-blue/providers/microsoft.managedidentity/userassignedidentities/mi-lighthouse'. Concurrent Federated Identity Credentials writes under the same managed identity are not supported.";
    scriptExchanges(server, [
      {
        request: {
          method: "PUT",
          path: FIC_PATH,
          query: { "api-version": version },
          body: { properties: { issuer: "https://token.ci.harbor.example/oidc", subject: "repo:harbor/lighthouse:pull_request", audiences: ["api://AzureADTokenExchange"] } },
        },
        reply: { status: 409, body: armError("ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity", message) },
      },
    ]);
    const error = await failure(
      anyClientFor(version).federatedIdentityCredentials.createOrUpdate(RG, NAME, FIC_NAME, {
        issuer: "https://token.ci.harbor.example/oidc",
        subject: "repo:harbor/lighthouse:pull_request",
        audiences: ["api://AzureADTokenExchange"],
      }),
    );
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({
      statusCode: 409,
      code: "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity",
      message,
    });
  });
});
