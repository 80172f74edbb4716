import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RestError } from "@azure/core-rest-pipeline";
import { AzureLogger, setLogLevel } from "@azure/logger";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import {
  KnownAzureClouds,
  ManagedIdentityValidationError,
  ManagedServiceIdentityClient,
  ResourceNotFoundError,
} from "../../src/index.js";
import { packageName, packageVersion } from "../../src/customizations/userAgent.js";
import { arm, identity, identityPath, RecordingCredential, subscriptionId } from "./helpers.js";

interface Seen {
  method: string;
  url: URL;
  headers: Headers;
}
const seen: Seen[] = [];
let flakyAnswers = 0;
const server = setupServer(
  http.all("*", ({ request }) => {
    seen.push({ method: request.method, url: new URL(request.url), headers: request.headers });
    return undefined;
  }),
  http.get(`*/subscriptions/${subscriptionId}/resourceGroups/flaky/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1`, () =>
    flakyAnswers-- > 0 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json(identity("flaky", "id1")),
  ),
  http.get(`*/subscriptions/${subscriptionId}/resourceGroups/:rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/:name`, ({ params }) =>
    params.name === "missing"
      ? HttpResponse.json(
          { error: { code: "ResourceNotFound", message: "The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/missing' under resource group 'rg' was not found." } },
          { status: 404 },
        )
      : HttpResponse.json(identity(String(params.rg), String(params.name))),
  ),
  http.get(`*/subscriptions/${subscriptionId}/resourceGroups/:rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/:name/federatedIdentityCredentials/:fic`, ({ params }) =>
    HttpResponse.json({ id: "x", name: params.fic, properties: { issuer: "https://issuer.example", subject: "s", audiences: ["api://AzureADTokenExchange"] } }),
  ),
  http.get(`*/subscriptions/${subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`, () =>
    HttpResponse.json({ error: { code: "ResourceNotFound", message: "Subscription not found." } }, { status: 404 }),
  ),
  http.get(`${arm}/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/providers/Microsoft.ManagedIdentity/identities/default`, () =>
    HttpResponse.json({ id: "x", name: "default", location: "westeurope", properties: { principalId: "2a3b1e4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d" } }),
  ),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => {
  seen.length = 0;
});
afterAll(() => server.close());

describe("API versions on the wire", () => {
  it("each group calls the generated client of its resolved version, with that version's api-version only", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, {
      profile: { default: "2024-11-30", userAssignedIdentities: "2022-01-31-preview" },
    });
    await client.userAssignedIdentities.get("rg", "id1");
    await client.federatedIdentityCredentials.get("rg", "id1", "fic1");
    expect(seen.map((s) => s.url.searchParams.getAll("api-version"))).toEqual([["2022-01-31-preview"], ["2024-11-30"]]);
  });

  it("the default profile sends the newest stable version", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId);
    const result = await client.userAssignedIdentities.get("rg", "id1");
    expect(result.name).toBe("id1");
    expect(seen[0].url.searchParams.get("api-version")).toBe("2026-05-31");
  });

  it("sends a system-assigned scope given with its leading slash to the right URL", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), { apiVersion: "2018-11-30" });
    const result = await client.systemAssignedIdentities.getByScope(
      `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
    );
    expect(result.principalId).toBe("2a3b1e4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d");
  });
});

describe("user agent", () => {
  it("names this package and version after the caller's prefix", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, { userAgentOptions: { userAgentPrefix: "my-tool/2.0" } });
    await client.userAssignedIdentities.get("rg", "id1");
    expect(seen[0].headers.get("user-agent")).toMatch(new RegExp(`^my-tool/2\\.0 ${packageName}/${packageVersion.replace(/\./g, "\\.")} `));
  });

  it("sends the version package.json declares", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { name: string; version: string };
    expect([packageName, packageVersion]).toEqual([pkg.name, pkg.version]);
  });
});

describe("validation before any request", () => {
  it("rejects a bad subscription id at construction", () => {
    expect(() => new ManagedServiceIdentityClient(new RecordingCredential(), "not-a-guid")).toThrow(ManagedIdentityValidationError);
  });

  it("rejects a missing credential at construction, naming it", () => {
    expect(() => new ManagedServiceIdentityClient(undefined as never, subscriptionId)).toThrow(/Parameter "credential" must be a TokenCredential/);
  });

  it("rejects, before sending, an operation that needs a subscription on a client without one", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential());
    const error = await client.userAssignedIdentities.get("rg", "id1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedIdentityValidationError);
    expect((error as ManagedIdentityValidationError).parameter).toBe("subscriptionId");
    expect(seen).toEqual([]);
  });

  it("rejects bad arguments of an operation without sending anything", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId);
    const error = await client.userAssignedIdentities.get("rg", "a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedIdentityValidationError);
    expect((error as ManagedIdentityValidationError).parameter).toBe("resourceName");
    expect((error as ManagedIdentityValidationError).value).toBe("a");
    const listError = await client.federatedIdentityCredentials.list("bad/rg", "id1").next().catch((e: unknown) => e);
    expect(listError).toBeInstanceOf(ManagedIdentityValidationError);
    expect((listError as ManagedIdentityValidationError).parameter).toBe("resourceGroupName");
    const bodyError = await client.userAssignedIdentities.createOrUpdate("rg", "id1", null as never).catch((e: unknown) => e);
    expect(bodyError).toBeInstanceOf(ManagedIdentityValidationError);
    expect(seen).toEqual([]);
  });

  it("sends resource group names with Unicode letters and digits, which Resource Manager accepts", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId);
    for (const rg of ["rg-café", "Ресурсы", "リソース"]) {
      const result = await client.userAssignedIdentities.get(rg, "id1");
      expect(result.id).toBe(identityPath(rg, "id1"));
    }
    expect(seen.map((s) => decodeURIComponent(s.url.pathname))).toEqual(["rg-café", "Ресурсы", "リソース"].map((rg) => identityPath(rg, "id1")));
  });

  it("sends a system-assigned scope whose resource name holds a space", async () => {
    const scope = `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.Insights/scheduledQueryRules/My alert`;
    const paths: string[] = [];
    server.use(
      http.get(`${arm}${scope.replace(" ", "%20")}/providers/Microsoft.ManagedIdentity/identities/default`, ({ request }) => {
        paths.push(decodeURIComponent(new URL(request.url).pathname));
        return HttpResponse.json({ id: "x", name: "default", location: "westeurope", properties: { principalId: "2a3b1e4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d" } });
      }),
    );
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), { apiVersion: "2018-11-30" });
    const result = await client.systemAssignedIdentities.getByScope(scope);
    expect(result.principalId).toBe("2a3b1e4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d");
    expect(paths).toEqual([`${scope}/providers/Microsoft.ManagedIdentity/identities/default`]);
  });

  it("validation: false sends the arguments as they are", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, { validation: false });
    await client.userAssignedIdentities.get("rg", "a");
    expect(seen.map((s) => s.url.pathname)).toEqual([identityPath("rg", "a")]);
  });
});

describe("typed errors", () => {
  it("operations throw the RestError subclass of the ARM error", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId);
    const error = await client.userAssignedIdentities.get("rg", "missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error).toBeInstanceOf(RestError);
    expect((error as ResourceNotFoundError).statusCode).toBe(404);
    expect((error as ResourceNotFoundError).code).toBe("ResourceNotFound");
  });

  it("listings throw it too, from items and from pages", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId);
    await expect(client.userAssignedIdentities.listBySubscription().next()).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(client.userAssignedIdentities.listBySubscription().byPage({ maxPageSize: 2 }).next()).rejects.toBeInstanceOf(ResourceNotFoundError);
  });
});

describe("clouds", () => {
  it.each([
    ["AzureChinaCloud", "management.chinacloudapi.cn"],
    ["AzureUSGovernment", "management.usgovcloudapi.net"],
    ["AzurePublicCloud", "management.azure.com"],
  ] as const)("%s: sends to its Resource Manager and asks tokens for its scope", async (cloud, host) => {
    const credential = new RecordingCredential();
    const client = new ManagedServiceIdentityClient(credential, subscriptionId, { cloud });
    await client.userAssignedIdentities.get("rg", "id1");
    expect(seen[0].url.host).toBe(host);
    expect(credential.scopes).toEqual([[`https://${host}/.default`]]);
    expect(KnownAzureClouds[cloud].credentialScope).toBe(`https://${host}/.default`);
  });

  it("an explicit endpoint and scopes are used as given", async () => {
    const credential = new RecordingCredential();
    const client = new ManagedServiceIdentityClient(credential, subscriptionId, {
      endpoint: "https://arm.contoso.example/",
      credentialScopes: ["https://arm.contoso.example/custom"],
    });
    await client.userAssignedIdentities.get("rg", "id1");
    expect(seen[0].url.origin).toBe("https://arm.contoso.example");
    expect(credential.scopes).toEqual([["https://arm.contoso.example/custom"]]);
  });

  it.each([["$host"], ["baseUri"]] as const)("takes the @azure/arm-msi option %s as the endpoint, with its scope", async (name) => {
    const credential = new RecordingCredential();
    const client = new ManagedServiceIdentityClient(credential, subscriptionId, { [name]: "https://management.chinacloudapi.cn/" });
    await client.userAssignedIdentities.get("rg", "id1");
    expect(seen[0].url.origin).toBe("https://management.chinacloudapi.cn");
    expect(credential.scopes).toEqual([["https://management.chinacloudapi.cn/.default"]]);
  });

  it("keeps credentialScopes given with $host", async () => {
    const credential = new RecordingCredential();
    const client = new ManagedServiceIdentityClient(credential, subscriptionId, { $host: "https://arm.contoso.example", credentialScopes: "https://arm.contoso.example/custom" });
    await client.userAssignedIdentities.get("rg", "id1");
    expect(seen[0].url.origin).toBe("https://arm.contoso.example");
    expect(credential.scopes).toEqual([["https://arm.contoso.example/custom"]]);
  });

  it("refuses $host that disagrees with endpoint, and $host with cloud", () => {
    const credential = new RecordingCredential();
    let error: unknown;
    try {
      new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint: "https://a.example", $host: "https://b.example" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManagedIdentityValidationError);
    expect((error as Error).message).toBe(
      'Invalid options.$host "https://b.example": "endpoint", "$host" and "baseUri" name the same setting; give one of them (here "endpoint" is "https://a.example").',
    );
    expect(() => new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint: "https://a.example", $host: "https://a.example/" })).not.toThrow();
    expect(() => new ManagedServiceIdentityClient(credential, subscriptionId, { cloud: "AzureChinaCloud", $host: "https://x.example" })).toThrow(
      'Invalid options.$host "https://x.example": "cloud" (here "AzureChinaCloud") and "$host" are mutually exclusive: pass a known cloud name, or an endpoint with its credentialScopes.',
    );
  });

  it("rejects cloud with endpoint, unknown clouds and malformed values, naming option, value and rule", () => {
    const credential = new RecordingCredential();
    const messageOf = (options: object): string => {
      try {
        new ManagedServiceIdentityClient(credential, subscriptionId, options as never);
      } catch (error) {
        expect(error).toBeInstanceOf(ManagedIdentityValidationError);
        return (error as Error).message;
      }
      throw new Error("expected a ManagedIdentityValidationError, nothing was thrown");
    };
    expect(messageOf({ cloud: "AzureChinaCloud", endpoint: "https://x.example" })).toBe(
      'Invalid options.endpoint "https://x.example": "cloud" (here "AzureChinaCloud") and "endpoint" are mutually exclusive: pass a known cloud name, or an endpoint with its credentialScopes.',
    );
    expect(messageOf({ cloud: "AzureGermanCloud" })).toBe(
      'Invalid options.cloud "AzureGermanCloud": a cloud must be one of AzurePublicCloud, AzureChinaCloud, AzureUSGovernment, or { resourceManagerEndpoint, credentialScope }.',
    );
    expect(messageOf({ cloud: null })).toMatch(/^Invalid options\.cloud \(null\): a cloud must be one of/);
    expect(messageOf({ endpoint: "management.azure.com" })).toBe('Invalid options.endpoint "management.azure.com": an endpoint must be an absolute http(s) URL.');
    expect(messageOf({ cloud: { resourceManagerEndpoint: "x", credentialScope: "s" } })).toBe(
      'Invalid options.cloud.resourceManagerEndpoint "x": an endpoint must be an absolute http(s) URL.',
    );
    expect(messageOf({ credentialScopes: [] })).toBe("Invalid options.credentialScopes (array) []: credential scopes must be one or more non-empty strings.");
  });
});

describe("logging", () => {
  const logged: string[] = [];
  const original = AzureLogger.log;
  beforeEach(() => {
    logged.length = 0;
    AzureLogger.log = (...args: unknown[]) => logged.push(args.join(" "));
    setLogLevel("info");
  });
  afterEach(() => {
    AzureLogger.log = original;
    setLogLevel();
  });

  it("logs the resolved API versions at construction (info)", () => {
    new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, { profile: { default: "2024-11-30", userAssignedIdentities: "2022-01-31-preview" } });
    expect(logged).toContainEqual(expect.stringMatching(/^azure:arm-managed-identity:info ManagedServiceIdentityClient API versions: .*userAssignedIdentities=2022-01-31-preview, federatedIdentityCredentials=2024-11-30, flexibleFederatedIdentityCredentials=\(absent\)/));
  });

  it("logs pipeline retries (warning)", async () => {
    flakyAnswers = 1;
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, { retryOptions: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 2 } });
    const result = await client.userAssignedIdentities.get("flaky", "id1");
    expect(result.name).toBe("id1");
    expect(logged).toContainEqual(expect.stringMatching(/^azure:arm-managed-identity:warning Retrying GET https:\/\/management.azure.com\/subscriptions\/.*\/resourceGroups\/flaky\/.*\/id1 \(attempt 2\)\.$/));
  });
});
