/**
 * Constructing a client for one API version must not load the other versions' generated modules:
 * every generated entry module is wrapped in the jest module registry to record when it loads.
 */
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { apiVersionList } from "../../src/generated/apiVersions.js";
import { arm, identity, identityPath, RecordingCredential, subscriptionId } from "./helpers.js";

const loaded: string[] = [];
for (const version of apiVersionList) {
  jest.doMock(`../../src/generated/${version}/index.js`, () => {
    loaded.push(version);
    return jest.requireActual(`../../src/generated/${version}/index.js`);
  });
}

const server = setupServer(
  http.get(`${arm}${identityPath("rg", "id1")}`, () => HttpResponse.json(identity("rg", "id1"))),
  http.get(`${arm}/subscriptions/${subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`, () =>
    HttpResponse.json({ value: [identity("rg", "id1")] }),
  ),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

it("loads only the generated module of the version in use, on first use, once", async () => {
  const { ManagedServiceIdentityClient } = await import("../../src/index.js");
  expect(loaded).toEqual([]);
  const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, { apiVersion: "2023-01-31" });
  expect(loaded).toEqual([]);
  const listing = client.userAssignedIdentities.listBySubscription();
  expect(loaded).toEqual([]);
  await client.userAssignedIdentities.get("rg", "id1");
  expect(loaded).toEqual(["2023-01-31"]);
  for await (const item of listing) expect(item.name).toBe("id1");
  expect(loaded).toEqual(["2023-01-31"]);

  const pinned = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, {
    profile: { default: "2024-11-30", userAssignedIdentities: "2022-01-31-preview" },
  });
  await pinned.userAssignedIdentities.get("rg", "id1");
  expect(loaded).toEqual(["2023-01-31", "2022-01-31-preview"]);
});
