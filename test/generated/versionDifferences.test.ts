/**
 * What differs between the API versions' generated clients, on the wire: operations only some
 * versions have, and model properties only some versions serialize and parse.
 */
import { RestError } from "@azure/core-rest-pipeline";
import { apiVersionList, type ApiVersion } from "../../src/generated/apiVersions.js";
import { anyClientFor, clientFor } from "../fixtures/generated/clients.js";
import { FLEXIBLE_FIC_MODEL, FLEXIBLE_FIC_WIRE, OPERATION_CASES } from "../fixtures/generated/operationCases.js";
import { ASSOCIATED_PAGES, SYSTEM_DATA_MODEL, armError, ficWire, identityWire } from "../fixtures/generated/payloads.js";
import {
  IDENTITY_PATH,
  ASSOCIATED_PATH,
  REVOKE_PATH,
  FIC_PATH,
  FLEXIBLE_FIC_PATH,
  RESOURCE_GROUP as RG,
  IDENTITY as NAME,
  FIC as FIC_NAME,
} from "../fixtures/generated/wireValues.js";
import { collect, type Exchange, expectExchanges, scriptExchanges, useWireServer } from "./wireHarness.js";

const server = useWireServer();

/** Sends one call through a scripted single exchange and returns what the client sent. */
async function sendOne(exchange: Exchange, call: () => Promise<unknown>): Promise<unknown> {
  const captured = scriptExchanges(server, [exchange]);
  const result = await call();
  expectExchanges(captured, [exchange]);
  return result;
}

describe("operations only some versions have", () => {
  it.each([
    ["userAssignedIdentities", "listAssociatedResources", ["2021-09-30-preview", "2022-01-31-preview"]],
    ["userAssignedIdentities", "revokeTokens", ["2023-07-31-preview"]],
    ["flexibleFederatedIdentityCredentials", "get", ["2025-01-31-preview"]],
    ["flexibleFederatedIdentityCredentials", "createOrUpdate", ["2025-01-31-preview"]],
  ] as const)("%s.%s exists exactly in %j", (group, operation, versions) => {
    const present = apiVersionList.filter((v) => typeof anyClientFor(v)[group]?.[operation] === "function");
    expect(present).toEqual(versions);
    expect(OPERATION_CASES[group][operation].versions).toEqual(versions);
  });

  it("federated identity credentials exist from 2022-01-31-preview on", () => {
    const present = apiVersionList.filter((v) => anyClientFor(v).federatedIdentityCredentials !== undefined);
    expect(present).toEqual([
      "2022-01-31-preview",
      "2023-01-31",
      "2023-07-31-preview",
      "2024-11-30",
      "2025-01-31-preview",
      "2025-05-31-preview",
      "2026-04-30",
      "2026-05-31",
    ]);
  });
});

describe.each(["2021-09-30-preview", "2022-01-31-preview"] as const)("listAssociatedResources on %s", (version) => {
  it("POSTs $filter, $orderby, $top, $skip and $skiptoken as query parameters with no body, and pages by nextLink", async () => {
    const exchanges: Exchange[] = [
      {
        request: {
          method: "POST",
          path: ASSOCIATED_PATH,
          query: {
            "api-version": version,
            $filter: "contains(name, 'harbor')",
            $orderby: "type desc",
            $top: "50",
            $skip: "3",
            $skiptoken: "c2tpcC0z",
          },
        },
        reply: {
          status: 200,
          body: {
            totalCount: 3,
            value: ASSOCIATED_PAGES[0],
            nextLink: `https://management.azure.com${ASSOCIATED_PATH}?api-version=${version}&$skiptoken=c2tpcC01`,
          },
        },
      },
      {
        request: { method: "GET", path: ASSOCIATED_PATH, query: { "api-version": version, $skiptoken: "c2tpcC01" } },
        reply: { status: 200, body: { totalCount: 3, value: ASSOCIATED_PAGES[1], nextLink: null } },
      },
    ];
    const captured = scriptExchanges(server, exchanges);
    const pages = await collect(
      clientFor(version)
        .userAssignedIdentities.listAssociatedResources(RG, NAME, {
          filter: "contains(name, 'harbor')",
          orderby: "type desc",
          top: 50,
          skip: 3,
          skiptoken: "c2tpcC0z",
        })
        .byPage(),
    );
    expectExchanges(captured, exchanges);
    expect(pages).toEqual([[...ASSOCIATED_PAGES[0]], [...ASSOCIATED_PAGES[1]]]);
    expect(captured[0].headers.get("content-type")).toBeNull();
  });

  it("sends only api-version when no options are given", async () => {
    const items = await sendOne(
      {
        request: { method: "POST", path: ASSOCIATED_PATH, query: { "api-version": version } },
        reply: { status: 200, body: { totalCount: 2, value: ASSOCIATED_PAGES[0] } },
      },
      () => collect(clientFor(version).userAssignedIdentities.listAssociatedResources(RG, NAME)),
    );
    expect(items).toEqual([...ASSOCIATED_PAGES[0]]);
  });

  // The spec's minimum of 1 for $top is not enforced by core-client: the service has the last word.
  it("sends $top=0 as given and surfaces the service's 400 as RestError", async () => {
    const captured = scriptExchanges(server, [
      {
        request: { method: "POST", path: ASSOCIATED_PATH, query: { "api-version": version, $top: "0" } },
        reply: { status: 400, body: armError("InvalidQueryParameterValue", "The value '0' of query parameter '$top' is out of range.") },
      },
    ]);
    const error = await collect(
      clientFor(version).userAssignedIdentities.listAssociatedResources(RG, NAME, { top: 0 }),
    ).catch((e: unknown) => e);
    expect(captured).toHaveLength(1);
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 400, code: "InvalidQueryParameterValue" });
  });
});

describe("revokeTokens on 2023-07-31-preview", () => {
  it("POSTs to .../revokeTokens with no body and resolves on 200", async () => {
    const captured = scriptExchanges(server, [
      {
        request: { method: "POST", path: REVOKE_PATH, query: { "api-version": "2023-07-31-preview" } },
        reply: { status: 200 },
      },
    ]);
    await clientFor("2023-07-31-preview").userAssignedIdentities.revokeTokens(RG, NAME);
    expect(captured).toHaveLength(1);
    expect(captured[0].method).toBe("POST");
    expect(captured[0].url.pathname).toBe(REVOKE_PATH);
    expect(captured[0].bodyText).toBe("");
    expect(captured[0].headers.get("content-type")).toBeNull();
  });

  it("surfaces a 404 as RestError", async () => {
    scriptExchanges(server, [
      {
        request: { method: "POST", path: REVOKE_PATH, query: { "api-version": "2023-07-31-preview" } },
        reply: {
          status: 404,
          body: armError("ResourceNotFound", "The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/mi-lighthouse' under resource group 'rg-harbor-blue' was not found."),
        },
      },
    ]);
    const error = await clientFor("2023-07-31-preview")
      .userAssignedIdentities.revokeTokens(RG, NAME)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });
});

describe("flexible federated identity credentials on 2025-01-31-preview", () => {
  const client = () => clientFor("2025-01-31-preview");

  it("PUTs nested properties with claimsMatchingExpression and no subject, and keeps properties nested on 200", async () => {
    const result = await sendOne(
      {
        request: {
          method: "PUT",
          path: FLEXIBLE_FIC_PATH,
          query: { "api-version": "2025-01-31-preview" },
          body: {
            properties: {
              issuer: "https://token.ci.harbor.example/oidc",
              audiences: ["api://AzureADTokenExchange"],
              claimsMatchingExpression: {
                value: "claims['sub'] matches 'repo:harbor/lighthouse:ref:refs/heads/release-*'",
                languageVersion: 1,
              },
            },
          },
        },
        reply: { status: 200, body: FLEXIBLE_FIC_WIRE },
      },
      () =>
        client().flexibleFederatedIdentityCredentials.createOrUpdate(RG, NAME, FIC_NAME, {
          properties: {
            issuer: "https://token.ci.harbor.example/oidc",
            audiences: ["api://AzureADTokenExchange"],
            claimsMatchingExpression: {
              value: "claims['sub'] matches 'repo:harbor/lighthouse:ref:refs/heads/release-*'",
              languageVersion: 1,
            },
          },
        }),
    );
    expect(result).toEqual(FLEXIBLE_FIC_MODEL);
    expect(result).not.toHaveProperty("issuer");
  });

  it("GETs .../flexibleFederatedIdentityCredentials/{name}", async () => {
    const result = await sendOne(
      {
        request: { method: "GET", path: FLEXIBLE_FIC_PATH, query: { "api-version": "2025-01-31-preview" } },
        reply: { status: 200, body: FLEXIBLE_FIC_WIRE },
      },
      () => client().flexibleFederatedIdentityCredentials.get(RG, NAME, FIC_NAME),
    );
    expect(result).toMatchObject({
      properties: { claimsMatchingExpression: { languageVersion: 1 } },
      systemData: { createdAt: new Date("2026-03-14T09:26:53.589Z") },
    });
  });

  it("refuses a body without the required issuer before sending anything", async () => {
    const captured = scriptExchanges(server, []);
    await expect(
      client().flexibleFederatedIdentityCredentials.createOrUpdate(RG, NAME, FIC_NAME, {
        properties: { audiences: ["api://AzureADTokenExchange"] } as never,
      }),
    ).rejects.toThrow(/issuer/);
    expect(captured).toHaveLength(0);
  });
});

/** A user-assigned identity write carrying one version-specific property. */
interface PropertyCase {
  readonly title: string;
  /** Versions whose Identity model declares the property (from src/generated/<v>/models). */
  readonly versions: readonly ApiVersion[];
  /** Versions that must leave it out of the body because their model lacks it. */
  readonly absentIn: readonly ApiVersion[];
  /** Flattened input properties besides location. */
  readonly input: Record<string, unknown>;
  /** What `properties` must hold on the wire. */
  readonly wireProperties: Record<string, unknown>;
}

const PROPERTY_CASES: readonly PropertyCase[] = [
  {
    title: "isolationScope",
    versions: ["2024-11-30", "2025-01-31-preview", "2025-05-31-preview", "2026-04-30", "2026-05-31"],
    absentIn: ["2018-11-30", "2023-01-31", "2023-07-31-preview"],
    input: { isolationScope: "Regional" },
    wireProperties: { isolationScope: "Regional" },
  },
  {
    title: "assignmentRestrictions",
    versions: ["2025-05-31-preview", "2026-05-31"],
    absentIn: ["2024-11-30", "2025-01-31-preview", "2026-04-30"],
    input: { assignmentRestrictions: { providers: ["Microsoft.ContainerService", "Microsoft.Web"] } },
    wireProperties: { assignmentRestrictions: { providers: ["Microsoft.ContainerService", "Microsoft.Web"] } },
  },
  {
    title: "assignmentBlocked and federationBlocked",
    versions: ["2026-04-30"],
    absentIn: ["2025-05-31-preview", "2026-05-31"],
    input: { assignmentBlocked: true, federationBlocked: false },
    wireProperties: { assignmentBlocked: true, federationBlocked: false },
  },
];

describe.each(PROPERTY_CASES.map((c) => [c.title, c] as const))("identity property %s", (_title, pc) => {
  it.each([...pc.versions])("%s sends it under properties in PUT and PATCH bodies and parses it back", async (version) => {
    const client = anyClientFor(version);
    const reply = { ...identityWire(version), properties: { ...(identityWire(version).properties as object), ...pc.wireProperties } };
    const put = await sendOne(
      {
        request: {
          method: "PUT",
          path: IDENTITY_PATH,
          query: { "api-version": version },
          body: { location: "swedencentral", properties: pc.wireProperties },
        },
        reply: { status: 201, body: reply },
      },
      () => client.userAssignedIdentities.createOrUpdate(RG, NAME, { location: "swedencentral", ...pc.input }),
    );
    expect(put).toMatchObject(pc.input);
    const patched = await sendOne(
      {
        request: {
          method: "PATCH",
          path: IDENTITY_PATH,
          query: { "api-version": version },
          body: { tags: { stage: "prod" }, properties: pc.wireProperties },
        },
        reply: { status: 200, body: reply },
      },
      () => client.userAssignedIdentities.update(RG, NAME, { tags: { stage: "prod" }, ...pc.input }),
    );
    expect(patched).toMatchObject(pc.input);
  });

  it.each([...pc.absentIn])("%s leaves it out of the body (its model lacks it)", async (version) => {
    await sendOne(
      {
        request: {
          method: "PUT",
          path: IDENTITY_PATH,
          query: { "api-version": version },
          body: { location: "swedencentral" },
        },
        reply: { status: 201, body: identityWire(version) },
      },
      () => anyClientFor(version).userAssignedIdentities.createOrUpdate(RG, NAME, { location: "swedencentral", ...pc.input }),
    );
  });
});

describe("claimsMatchingExpression on federated identity credentials", () => {
  const expression = { value: "claims['sub'] startswith 'repo:harbor/lighthouse:'", languageVersion: 1 };

  it.each(["2025-01-31-preview", "2025-05-31-preview"] as const)(
    "%s PUTs it instead of subject and parses it flattened",
    async (version) => {
      const reply = {
        ...ficWire(version),
        properties: {
          issuer: "https://token.ci.harbor.example/oidc",
          audiences: ["api://AzureADTokenExchange"],
          claimsMatchingExpression: expression,
        },
      };
      const result = await sendOne(
        {
          request: {
            method: "PUT",
            path: FIC_PATH,
            query: { "api-version": version },
            body: {
              properties: {
                issuer: "https://token.ci.harbor.example/oidc",
                audiences: ["api://AzureADTokenExchange"],
                claimsMatchingExpression: { value: "claims['sub'] startswith 'repo:harbor/lighthouse:'", languageVersion: 1 },
              },
            },
          },
          reply: { status: 201, body: reply },
        },
        () =>
          clientFor(version).federatedIdentityCredentials.createOrUpdate(RG, NAME, FIC_NAME, {
            issuer: "https://token.ci.harbor.example/oidc",
            audiences: ["api://AzureADTokenExchange"],
            claimsMatchingExpression: expression,
          }),
      );
      expect(result).toMatchObject({ claimsMatchingExpression: expression, issuer: "https://token.ci.harbor.example/oidc" });
      expect(result).not.toHaveProperty("subject");
    },
  );

  it("2025-05-31-preview refuses an expression without languageVersion before sending anything", async () => {
    const captured = scriptExchanges(server, []);
    await expect(
      clientFor("2025-05-31-preview").federatedIdentityCredentials.createOrUpdate(RG, NAME, FIC_NAME, {
        issuer: "https://token.ci.harbor.example/oidc",
        audiences: ["api://AzureADTokenExchange"],
        claimsMatchingExpression: { value: "claims['sub'] == 'x'" } as never,
      }),
    ).rejects.toThrow(/claimsMatchingExpression\.languageVersion/);
    expect(captured).toHaveLength(0);
  });

  it.each(["2024-11-30", "2026-04-30", "2026-05-31"] as const)("%s leaves it out of the body (its model lacks it)", async (version) => {
    await sendOne(
      {
        request: {
          method: "PUT",
          path: FIC_PATH,
          query: { "api-version": version },
          body: { properties: { issuer: "https://token.ci.harbor.example/oidc", audiences: ["api://AzureADTokenExchange"] } },
        },
        reply: { status: 201, body: ficWire(version) },
      },
      () =>
        anyClientFor(version).federatedIdentityCredentials.createOrUpdate(RG, NAME, FIC_NAME, {
          issuer: "https://token.ci.harbor.example/oidc",
          audiences: ["api://AzureADTokenExchange"],
          claimsMatchingExpression: expression,
        }),
    );
  });
});

describe("systemData", () => {
  const WITH_SYSTEM_DATA: readonly ApiVersion[] = [
    "2023-01-31",
    "2023-07-31-preview",
    "2024-11-30",
    "2025-01-31-preview",
    "2025-05-31-preview",
    "2026-04-30",
    "2026-05-31",
  ];

  it.each([...WITH_SYSTEM_DATA])("%s parses it on identities with Date timestamps", async (version) => {
    const result = await sendOne(
      {
        request: { method: "GET", path: IDENTITY_PATH, query: { "api-version": version } },
        reply: { status: 200, body: identityWire(version) },
      },
      () => anyClientFor(version).userAssignedIdentities.get(RG, NAME),
    );
    expect((result as { systemData: unknown }).systemData).toEqual(SYSTEM_DATA_MODEL);
    expect((result as { systemData: { createdAt: unknown } }).systemData.createdAt).toBeInstanceOf(Date);
  });

  it("versions before 2023-01-31 declare no systemData", () => {
    const without = apiVersionList.filter((v) => !WITH_SYSTEM_DATA.includes(v));
    expect(without).toEqual(["2015-08-31-preview", "2018-11-30", "2021-09-30-preview", "2022-01-31-preview"]);
  });
});

describe("2015-08-31-preview update takes a full Identity", () => {
  it("refuses a PATCH without location before sending anything", async () => {
    const captured = scriptExchanges(server, []);
    await expect(
      clientFor("2015-08-31-preview").userAssignedIdentities.update(RG, NAME, { tags: { stage: "prod" } } as never),
    ).rejects.toThrow(/location/);
    expect(captured).toHaveLength(0);
  });
});

describe.each([...apiVersionList])("system-assigned getByScope on %s", (version) => {
  const site = "subscriptions/7c4e2a91-3b6d-4f08-a5e2-9d1c0b8f6a34/resourceGroups/rg-harbor-blue/providers/Microsoft.Web/sites/harbor-portal/slots/staging";

  it("puts a full resource id into the path verbatim, slashes not encoded", async () => {
    const captured = scriptExchanges(server, [
      {
        request: {
          method: "GET",
          path: "/subscriptions/7c4e2a91-3b6d-4f08-a5e2-9d1c0b8f6a34/resourceGroups/rg-harbor-blue/providers/Microsoft.Web/sites/harbor-portal/slots/staging/providers/Microsoft.ManagedIdentity/identities/default",
          query: { "api-version": version },
        },
        reply: { status: 200, body: { name: "default", location: "westeurope", properties: { principalId: "f0e1d2c3-b4a5-4697-8877-665544332211" } } },
      },
    ]);
    const result = await anyClientFor(version).systemAssignedIdentities.getByScope(site);
    expect(captured).toHaveLength(1);
    expect(captured[0].rawUrl).toBe(
      `https://management.azure.com/subscriptions/7c4e2a91-3b6d-4f08-a5e2-9d1c0b8f6a34/resourceGroups/rg-harbor-blue/providers/Microsoft.Web/sites/harbor-portal/slots/staging/providers/Microsoft.ManagedIdentity/identities/default?api-version=${version}`,
    );
    expect(result).toEqual({ name: "default", location: "westeurope", principalId: "f0e1d2c3-b4a5-4697-8877-665544332211" });
  });

  // Defect of the generated client: "/{scope}" plus a scope that starts with "/" makes a
  // protocol-relative "//subscriptions/..." reference, so "subscriptions" becomes the host and
  // the bearer token goes there. Callers must strip the leading "/" of an ARM resource id.
  it("with a leading '/' in the scope, sends the request (and the token) to host 'subscriptions'", async () => {
    const captured = scriptExchanges(server, [
      {
        request: {
          origin: "https://subscriptions",
          method: "GET",
          path: "/7c4e2a91-3b6d-4f08-a5e2-9d1c0b8f6a34/resourceGroups/rg-harbor-blue/providers/Microsoft.Web/sites/harbor-portal/slots/staging/providers/Microsoft.ManagedIdentity/identities/default",
          query: { "api-version": version },
        },
        reply: { status: 200, body: { name: "default", location: "westeurope" } },
      },
    ]);
    await anyClientFor(version).systemAssignedIdentities.getByScope("/" + site);
    expect(captured).toHaveLength(1);
    expect(captured[0].url.host).toBe("subscriptions");
  });
});
