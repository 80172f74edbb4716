import {
  createManagedIdentityFetch,
  managedIdentityAuthPolicy,
  type ManagedIdentityAuthOptions,
} from "../../src/customizations/managedIdentityAuth.js";
import { ManagedIdentityValidationError } from "../../src/customizations/validation.js";
import { FakeCredential, numberedToken } from "./fakeCredential.js";

const guid = "0b7a3a5c-6a4e-4a1f-9d1e-2f3c4d5e6f70";
const identityId =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/backend-caller";

describe("option validation", () => {
  const credential = new FakeCredential(numberedToken);
  const invalid: Array<[string, unknown, string, unknown, RegExp]> = [
    ["resource missing", {}, "options.resource", undefined, /^Invalid options.resource \(undefined\): must be the backend's app ID URI or resource URI/],
    ["resource empty", { resource: "" }, "options.resource", "", /^Invalid options.resource "": must be/],
    ["resource relative", { resource: "my-backend" }, "options.resource", "my-backend", /^Invalid options.resource "my-backend": must be/],
    ["resource scheme only", { resource: "api:" }, "options.resource", "api:", /"api:": must be/],
    ["resource with spaces", { resource: " api://my-backend" }, "options.resource", " api://my-backend", /" api:\/\/my-backend": must be/],
    ["resource only a suffix", { resource: "/.default" }, "options.resource", "/.default", /"\/.default": must be/],
    ["resource not a string", { resource: 42 }, "options.resource", 42, /options.resource \(number\) 42: must be/],
    ["clientId not a GUID", { resource: "api://b", clientId: "abc" }, "options.clientId", "abc", /^Invalid options.clientId "abc": must be the client ID of a user-assigned identity, a GUID$/],
    ["clientId empty", { resource: "api://b", clientId: "" }, "options.clientId", "", /options.clientId "": .*GUID/],
    ["objectId not a GUID", { resource: "api://b", objectId: "x" }, "options.objectId", "x", /options.objectId "x": .*GUID/],
    ["resourceId of another type", { resource: "api://b", resourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app" }, "options.resourceId", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app", /^Invalid options.resourceId "\/subscriptions\/s\/resourceGroups\/rg\/providers\/Microsoft.Web.*": must be the ARM resource ID of a user-assigned identity/],
    ["clientId with objectId", { resource: "api://b", clientId: guid, objectId: guid }, "options.objectId", guid, /options.objectId ".*": cannot be combined with "clientId": give at most one of "clientId", "resourceId" and "objectId"/],
    ["clientId with resourceId", { resource: "api://b", clientId: guid, resourceId: identityId }, "options.resourceId", identityId, /options.resourceId ".*": cannot be combined with "clientId"/],
    ["clientId with credential", { resource: "api://b", clientId: guid, credential }, "options.clientId", guid, /options.clientId ".*": cannot be combined with "credential"/],
    ["credential without getToken", { resource: "api://b", credential: {} }, "options.credential", {}, /options.credential \(object\) \{\}: must be a TokenCredential/],
    ["ignoreError not a boolean", { resource: "api://b", ignoreError: "yes" }, "options.ignoreError", "yes", /options.ignoreError "yes": must be true or false/],
    ["allowInsecureConnection not a boolean", { resource: "api://b", allowInsecureConnection: 1 }, "options.allowInsecureConnection", 1, /options.allowInsecureConnection \(number\) 1: must be true or false/],
    ["onToken not a function", { resource: "api://b", onToken: "tokenVar" }, "options.onToken", "tokenVar", /options.onToken "tokenVar": must be a function/],
    ["refreshBeforeExpiryInMs negative", { resource: "api://b", refreshBeforeExpiryInMs: -1 }, "options.refreshBeforeExpiryInMs", -1, /options.refreshBeforeExpiryInMs \(number\) -1: must be a finite number of milliseconds, 0 or more/],
    ["refreshBeforeExpiryInMs NaN", { resource: "api://b", refreshBeforeExpiryInMs: NaN }, "options.refreshBeforeExpiryInMs", NaN, /options.refreshBeforeExpiryInMs .*: must be a finite number/],
    ["options not an object", undefined, "options", undefined, /^Invalid options \(undefined\): must be an object/],
  ];

  it.each(invalid)("%s: both entry points throw a ManagedIdentityValidationError naming it", (_name, options, parameter, value, message) => {
    for (const create of [managedIdentityAuthPolicy, createManagedIdentityFetch]) {
      let error: unknown;
      try {
        create(options as ManagedIdentityAuthOptions);
      } catch (e: unknown) {
        error = e;
      }
      expect(error).toBeInstanceOf(ManagedIdentityValidationError);
      expect(error).toMatchObject({ parameter, value });
      expect((error as Error).message).toMatch(message);
    }
  });

  it("rejects a fetch option that is not a function", () => {
    expect(() => createManagedIdentityFetch({ resource: "api://b", fetch: 42 as never })).toThrow(
      /^Invalid options.fetch \(number\) 42: must be a function with the signature of fetch$/,
    );
  });

  it("accepts each of clientId, resourceId and objectId alone", () => {
    expect(() => managedIdentityAuthPolicy({ resource: "api://b", clientId: guid })).not.toThrow();
    expect(() => managedIdentityAuthPolicy({ resource: "api://b", resourceId: identityId })).not.toThrow();
    expect(() => managedIdentityAuthPolicy({ resource: "api://b", objectId: guid })).not.toThrow();
  });
});

describe("scope derived from resource", () => {
  const cases: Array<[string, string]> = [
    ["api://my-backend", "api://my-backend/.default"],
    ["https://vault.azure.net", "https://vault.azure.net/.default"],
    ["https://vault.azure.net/.default", "https://vault.azure.net/.default"],
    ["https://management.azure.com/", "https://management.azure.com//.default"],
    [guid, `${guid}/.default`],
  ];

  it.each(cases)("%s is requested as %s, never with a doubled suffix", async (resource, scope) => {
    const credential = new FakeCredential(numberedToken);
    const authFetch = createManagedIdentityFetch({
      resource,
      credential,
      fetch: async () => new Response("ok"),
    });

    await authFetch("https://backend.example.test/");

    expect(credential.scopes).toEqual([scope]);
  });
});
