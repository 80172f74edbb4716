/**
 * The ARM surface of the emulator, in-process: every API version's operations and shapes,
 * api-version errors, authentication, FIC rules and concurrency, cascades, paging and headers.
 */
import { apiVersionList, apiVersionSpecs } from "arm-managed-identity";
import { createEmulator, type InProcessEmulator } from "arm-managed-identity/emulator";
import { signToken } from "../../src/emulator/tokens.js";
import { call, ficBody, ficPath, identityPath } from "./helpers.js";

const ficVersions = apiVersionList.filter((v) => apiVersionSpecs[v].groups["federatedIdentityCredentials"]);
const noFicVersions = apiVersionList.filter((v) => !apiVersionSpecs[v].groups["federatedIdentityCredentials"]);

let emu: InProcessEmulator;
let sub: string;

beforeEach(async () => {
  emu = createEmulator({ ficWriteWindowMs: 0 });
  sub = emu.subscriptionId;
  const rg = await call(emu, "PUT", `/subscriptions/${sub}/resourceGroups/rg?api-version=2021-04-01`, { location: "westus" });
  expect(rg.status).toBe(201);
});

describe("user-assigned identities on every API version", () => {
  it.each(apiVersionList)("%s: create 201, replace 200, patch, get, list, delete 200 then 204", async (v) => {
    const path = identityPath(sub, "rg", "MyIdentity");
    const created = await call(emu, "PUT", `${path}?api-version=${v}`, { location: "West US", tags: { env: "test" } });
    expect(created.status).toBe(201);
    expect(created.json.name).toBe("MyIdentity");
    expect(created.json.type).toBe("Microsoft.ManagedIdentity/userAssignedIdentities");
    expect(created.json.location).toBe("westus");
    expect(created.json.properties.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.json.properties.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.json.properties.tenantId).toBe(emu.tenantId);
    expect((await call(emu, "PUT", `${path}?api-version=${v}`, { location: "westus", tags: { env: "prod" } })).status).toBe(200);
    const patched = await call(emu, "PATCH", `${path}?api-version=${v}`, { tags: { team: "x" } });
    expect(patched.status).toBe(200);
    expect(patched.json.tags).toEqual({ team: "x" });
    expect(patched.json.properties.clientId).toBe(created.json.properties.clientId);
    // Case-insensitive lookup keeps the casing given on create.
    const got = await call(emu, "GET", `${identityPath(sub, "RG", "myidentity")}?api-version=${v}`);
    expect(got.status).toBe(200);
    expect(got.json.name).toBe("MyIdentity");
    const byGroup = await call(emu, "GET", `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${v}`);
    expect(byGroup.json.value.map((i: { name: string }) => i.name)).toEqual(["MyIdentity"]);
    expect("nextLink" in byGroup.json).toBe(false);
    const bySub = await call(emu, "GET", `/subscriptions/${sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${v}`);
    expect(bySub.json.value).toHaveLength(1);
    expect((await call(emu, "DELETE", `${path}?api-version=${v}`)).status).toBe(200);
    expect((await call(emu, "DELETE", `${path}?api-version=${v}`)).status).toBe(204);
    const gone = await call(emu, "GET", `${path}?api-version=${v}`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe("ResourceNotFound");
  });

  it("shapes each version's response with only the properties that version has", async () => {
    const path = identityPath(sub, "rg", "shaped");
    await call(emu, "PUT", `${path}?api-version=2026-05-31`, { location: "westus", properties: { isolationScope: "Regional", assignmentRestrictions: { providers: ["Microsoft.Web"] } } });
    const shape = async (v: string): Promise<{ top: string[]; props: string[]; body: Record<string, any> }> => {
      const r = await call(emu, "GET", `${path}?api-version=${v}`);
      return { top: Object.keys(r.json).sort(), props: Object.keys(r.json.properties).sort(), body: r.json };
    };
    const v2015 = await shape("2015-08-31-preview");
    expect(v2015.top).not.toContain("systemData");
    expect(v2015.props).toEqual(["clientId", "clientSecretUrl", "principalId", "tenantId"]);
    const v2018 = await shape("2018-11-30");
    expect(v2018.top).not.toContain("systemData");
    expect(v2018.props).toEqual(["clientId", "principalId", "tenantId"]);
    const v2023 = await shape("2023-01-31");
    expect(v2023.top).toContain("systemData");
    expect(v2023.body.systemData.createdByType).toBe("Application");
    expect(v2023.props).toEqual(["clientId", "principalId", "tenantId"]);
    const v2024 = await shape("2024-11-30");
    expect(v2024.props).toEqual(["clientId", "isolationScope", "principalId", "tenantId"]);
    expect(v2024.body.properties.isolationScope).toBe("Regional");
    const v2026 = await shape("2026-05-31");
    expect(v2026.body.properties.assignmentRestrictions).toEqual({ providers: ["Microsoft.Web"] });
    // An older version's PUT leaves newer properties it cannot see alone.
    await call(emu, "PUT", `${path}?api-version=2018-11-30`, { location: "westus" });
    expect((await shape("2026-05-31")).body.properties.isolationScope).toBe("Regional");
    // An identity created without isolationScope reports the default where the version has it.
    await call(emu, "PUT", `${identityPath(sub, "rg", "plain")}?api-version=2024-11-30`, { location: "westus" });
    expect((await call(emu, "GET", `${identityPath(sub, "rg", "plain")}?api-version=2024-11-30`)).json.properties.isolationScope).toBe("None");
    for (const v of apiVersionList) {
      const props = Object.keys((await call(emu, "GET", `${path}?api-version=${v}`)).json.properties);
      const ref = apiVersionSpecs[v].models["Identity"]!.properties["properties"]!.ref!;
      const allowed = Object.keys(apiVersionSpecs[v].models[ref]!.properties);
      expect(props.filter((p) => !allowed.includes(p))).toEqual([]);
    }
  });

  it("refuses bad identity input with 4xx ARM errors naming the rule", async () => {
    const path = identityPath(sub, "rg", "bad");
    const noLocation = await call(emu, "PUT", `${path}?api-version=2023-01-31`, { tags: {} });
    expect(noLocation.status).toBe(400);
    expect(noLocation.json.error.code).toBe("LocationRequired");
    const badJson = await call(emu, "PUT", `${path}?api-version=2023-01-31`, "{not json");
    expect(badJson.status).toBe(400);
    expect(badJson.json.error.code).toBe("InvalidRequestContent");
    const badTags = await call(emu, "PUT", `${path}?api-version=2023-01-31`, { location: "westus", tags: { a: 1 } });
    expect(badTags.status).toBe(400);
    expect(badTags.json.error.message).toContain("tags.a");
    const badName = await call(emu, "PUT", `${identityPath(sub, "rg", "a")}?api-version=2023-01-31`, { location: "westus" });
    expect(badName.status).toBe(400);
    expect(badName.json.error.code).toBe("InvalidResourceName");
    const moved = await call(emu, "PUT", `${path}?api-version=2023-01-31`, { location: "westus" });
    expect(moved.status).toBe(201);
    const otherRegion = await call(emu, "PUT", `${path}?api-version=2023-01-31`, { location: "eastus" });
    expect(otherRegion.status).toBe(400);
    expect(otherRegion.json.error.code).toBe("InvalidResourceLocation");
    const badScope = await call(emu, "PUT", `${path}?api-version=2024-11-30`, { location: "westus", properties: { isolationScope: "Global" } });
    expect(badScope.status).toBe(400);
    expect(badScope.json.error.message).toContain("'Global'");
  });

  it("answers 404 ResourceGroupNotFound for a missing group and SubscriptionNotFound for an unknown subscription", async () => {
    const missing = await call(emu, "PUT", `${identityPath(sub, "nogroup", "x123")}?api-version=2023-01-31`, { location: "westus" });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toEqual({ code: "ResourceGroupNotFound", message: "Resource group 'nogroup' could not be found." });
    const unknownSub = await call(emu, "GET", `${identityPath("00000000-0000-0000-0000-000000000009", "rg", "x123")}?api-version=2023-01-31`);
    expect(unknownSub.status).toBe(404);
    expect(unknownSub.json.error.code).toBe("SubscriptionNotFound");
  });
});

describe("api-version handling", () => {
  const path = (): string => identityPath(sub, "rg", "versioned");

  it("requires api-version", async () => {
    const r = await call(emu, "GET", path());
    expect(r.status).toBe(400);
    expect(r.json.error).toEqual({ code: "MissingApiVersionParameter", message: "The api-version query parameter (?api-version=) is required for all requests." });
  });

  it("refuses malformed and unknown versions with the supported list", async () => {
    const malformed = await call(emu, "GET", `${path()}?api-version=latest`);
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe("InvalidApiVersionParameter");
    const unknown = await call(emu, "GET", `${path()}?api-version=2099-01-01`);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe("NoRegisteredProviderFound");
    for (const v of apiVersionList) expect(unknown.json.error.message).toContain(v);
  });

  it.each(noFicVersions)("%s has no federated credentials: NoRegisteredProviderFound listing the versions that do", async (v) => {
    await call(emu, "PUT", `${path()}?api-version=2023-01-31`, { location: "westus" });
    const r = await call(emu, "PUT", `${ficPath(sub, "rg", "versioned", "cred1")}?api-version=${v}`, ficBody("s"));
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("NoRegisteredProviderFound");
    expect(r.json.error.message).toContain("userAssignedIdentities/federatedIdentityCredentials");
    for (const fv of ficVersions) expect(r.json.error.message).toContain(fv);
  });

  it("answers actions a version lacks as ARM does, and serves them where the version has them", async () => {
    await call(emu, "PUT", `${path()}?api-version=2023-01-31`, { location: "westus" });
    const revokeOld = await call(emu, "POST", `${path()}/revokeTokens?api-version=2023-01-31`);
    expect(revokeOld.status).toBe(404);
    expect(revokeOld.json.error.code).toBe("InvalidResourceType");
    expect((await call(emu, "POST", `${path()}/revokeTokens?api-version=2023-07-31-preview`)).status).toBe(200);
    const assocNew = await call(emu, "POST", `${path()}/listAssociatedResources?api-version=2024-11-30`);
    expect(assocNew.status).toBe(404);
    const assoc = await call(emu, "POST", `${path()}/listAssociatedResources?api-version=2022-01-31-preview`);
    expect(assoc.status).toBe(200);
    expect(assoc.json).toEqual({ totalCount: 0, value: [] });
    const flexibleOld = await call(emu, "GET", `${path()}/flexibleFederatedIdentityCredentials/cred1?api-version=2024-11-30`);
    expect(flexibleOld.status).toBe(400);
    expect(flexibleOld.json.error.message).toContain("'2025-01-31-preview'");
  });

  it("lists operations per version, including federated-credential operations only where they exist", async () => {
    for (const v of apiVersionList) {
      const r = await call(emu, "GET", `/providers/Microsoft.ManagedIdentity/operations?api-version=${v}`);
      expect(r.status).toBe(200);
      const names: string[] = r.json.value.map((o: { name: string }) => o.name);
      expect(names).toContain("Microsoft.ManagedIdentity/userAssignedIdentities/read");
      expect(names.some((n) => n.includes("federatedIdentityCredentials"))).toBe(ficVersions.includes(v));
    }
  });
});

describe("authentication", () => {
  const url = (): string => `/subscriptions/${sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`;

  it("answers 401 with WWW-Authenticate for missing, malformed, foreign, expired and wrong-audience tokens", async () => {
    const cases: Array<[string, string]> = [
      ["", "AuthenticationFailed"],
      ["Basic abc", "AuthenticationFailed"],
      ["Bearer not-a-jwt", "InvalidAuthenticationToken"],
      [`Bearer ${createEmulator().control.getToken()}`, "InvalidAuthenticationToken"],
    ];
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: "x", tid: emu.tenantId, oid: "o", sub: "o", appid: "a", idtyp: "app" as const };
    const secret = emu.engine.store.meta.tokenSecret;
    cases.push([`Bearer ${signToken({ ...base, aud: "https://management.azure.com", iat: now - 7200, nbf: now - 7200, exp: now - 3600 }, secret)}`, "ExpiredAuthenticationToken"]);
    cases.push([`Bearer ${signToken({ ...base, aud: "https://vault.azure.net", iat: now, nbf: now, exp: now + 3600 }, secret)}`, "InvalidAuthenticationTokenAudience"]);
    for (const [authorization, code] of cases) {
      const r = await call(emu, "GET", url(), undefined, { authorization });
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe(code);
      expect(r.headers["www-authenticate"]).toMatch(/^Bearer authorization_uri="[^"]+", error="invalid_token"/);
    }
    expect((await call(emu, "GET", url())).status).toBe(200);
  });

  it("refuses tokens of an identity after revokeTokens", async () => {
    const path = identityPath(sub, "rg", "revoked");
    const created = await call(emu, "PUT", `${path}?api-version=2023-07-31-preview`, { location: "westus" });
    const tokenResponse = emu.engine.handleToken({
      method: "GET",
      url: `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com&client_id=${created.json.properties.clientId}`,
      headers: { metadata: "true" },
      body: Buffer.alloc(0),
      origin: "http://127.0.0.1",
    });
    const token = JSON.parse(tokenResponse.body!).access_token as string;
    expect((await call(emu, "GET", url(), undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await call(emu, "POST", `${path}/revokeTokens?api-version=2023-07-31-preview`)).status).toBe(200);
    const refused = await call(emu, "GET", url(), undefined, { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(401);
    expect(refused.json.error.message).toContain("revoked");
  });
});

describe("federated identity credentials", () => {
  beforeEach(async () => {
    expect((await call(emu, "PUT", `${identityPath(sub, "rg", "parent")}?api-version=2023-01-31`, { location: "westus" })).status).toBe(201);
  });

  it.each(ficVersions)("%s: create 201, replace 200, get, list, delete 200 then 204", async (v) => {
    const path = ficPath(sub, "rg", "parent", "Cred-1");
    const created = await call(emu, "PUT", `${path}?api-version=${v}`, ficBody("repo:o/r:ref:refs/heads/main"));
    expect(created.status).toBe(201);
    expect(created.json.type).toBe("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials");
    expect(created.json.properties).toEqual({ issuer: "https://token.actions.githubusercontent.com", subject: "repo:o/r:ref:refs/heads/main", audiences: ["api://AzureADTokenExchange"] });
    expect("systemData" in created.json).toBe(v !== "2022-01-31-preview");
    expect((await call(emu, "PUT", `${path}?api-version=${v}`, ficBody("repo:o/r:ref:refs/heads/dev"))).status).toBe(200);
    expect((await call(emu, "GET", `${ficPath(sub, "rg", "parent", "cred-1")}?api-version=${v}`)).json.properties.subject).toBe("repo:o/r:ref:refs/heads/dev");
    const list = await call(emu, "GET", `${identityPath(sub, "rg", "parent")}/federatedIdentityCredentials?api-version=${v}`);
    expect(list.json.value.map((f: { name: string }) => f.name)).toEqual(["Cred-1"]);
    expect((await call(emu, "DELETE", `${path}?api-version=${v}`)).status).toBe(200);
    expect((await call(emu, "DELETE", `${path}?api-version=${v}`)).status).toBe(204);
  });

  it("enforces audiences, lengths, names, uniqueness, the parent and the limit of 20", async () => {
    const v = "2023-01-31";
    const put = (name: string, body: unknown): ReturnType<typeof call> => call(emu, "PUT", `${ficPath(sub, "rg", "parent", name)}?api-version=${v}`, body);
    const noAudience = await put("cred1", { properties: { issuer: "https://i", subject: "s", audiences: [] } });
    expect(noAudience.status).toBe(400);
    expect(noAudience.json.error.message).toContain("Federated identity credentials must have exactly one audience.");
    expect((await put("cred1", { properties: { issuer: "https://i", subject: "s", audiences: ["a", "b"] } })).status).toBe(400);
    const long = await put("cred1", ficBody("s".repeat(601)));
    expect(long.status).toBe(400);
    expect(long.json.error.message).toContain("at most 600");
    expect((await put("cred1", ficBody("s".repeat(600)))).status).toBe(201);
    const badName = await put("-bad", ficBody("x"));
    expect(badName.status).toBe(400);
    expect(badName.json.error.message).toContain("^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$");
    expect((await put("cred2", ficBody("subject-a"))).status).toBe(201);
    const dup = await put("cred3", ficBody("subject-a"));
    expect(dup.status).toBe(400);
    expect(dup.json.error.message).toBe("Issuer and subject combination already exists for this Managed Identity.");
    const orphan = await call(emu, "PUT", `${ficPath(sub, "rg", "nobody", "cred1")}?api-version=${v}`, ficBody("x"));
    expect(orphan.status).toBe(404);
    expect(orphan.json.error.message).toBe("The parent user-assigned identity doesn't exist.");
    for (let i = 3; i <= 20; i++) expect((await put(`cred${i}`, ficBody(`subject-${i}`))).status).toBe(201);
    const over = await put("cred21", ficBody("subject-21"));
    expect(over.status).toBe(400);
    expect(over.json.error.message).toContain("at most 20");
    // Replacing one of the 20 is still allowed.
    expect((await put("cred20", ficBody("subject-20b"))).status).toBe(200);
  });

  it("accepts subject or claimsMatchingExpression (not both) where the version has expressions, and flexible credentials", async () => {
    const v = "2025-01-31-preview";
    const expression = { value: "claims['sub'] matches 'repo:o/*'", languageVersion: 1 };
    const both = await call(emu, "PUT", `${ficPath(sub, "rg", "parent", "flex1")}?api-version=${v}`, {
      properties: { issuer: "https://i", subject: "s", audiences: ["api://AzureADTokenExchange"], claimsMatchingExpression: expression },
    });
    expect(both.status).toBe(400);
    expect(both.json.error.message).toContain("Only one of");
    const flexPath = `${identityPath(sub, "rg", "parent")}/flexibleFederatedIdentityCredentials/flex1?api-version=${v}`;
    const flex = await call(emu, "PUT", flexPath, { properties: { issuer: "https://i", audiences: ["api://AzureADTokenExchange"], claimsMatchingExpression: expression } });
    expect(flex.status).toBe(201);
    expect(flex.json.properties.claimsMatchingExpression).toEqual(expression);
    expect((await call(emu, "GET", flexPath)).json.properties.claimsMatchingExpression).toEqual(expression);
    // A version without expressions requires a subject.
    const old = await call(emu, "PUT", `${ficPath(sub, "rg", "parent", "flex2")}?api-version=2023-01-31`, {
      properties: { issuer: "https://i", audiences: ["api://AzureADTokenExchange"], claimsMatchingExpression: expression },
    });
    expect(old.status).toBe(400);
    expect(old.json.error.message).toContain("'properties.subject' is required");
  });

  it("pages with $top and an opaque $skiptoken; nextLink absent on the last page", async () => {
    for (let i = 0; i < 7; i++) await call(emu, "PUT", `${ficPath(sub, "rg", "parent", `cred${i}`)}?api-version=2023-01-31`, ficBody(`s${i}`));
    let url: string | undefined = `${identityPath(sub, "rg", "parent")}/federatedIdentityCredentials?api-version=2023-01-31&$top=3`;
    const seen: string[] = [];
    let pages = 0;
    while (url) {
      const r = await call(emu, "GET", url.replace(emu.endpoint, ""));
      expect(r.status).toBe(200);
      seen.push(...r.json.value.map((f: { name: string }) => f.name));
      pages++;
      expect(r.json.nextLink).not.toBe("");
      url = r.json.nextLink;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(["cred0", "cred1", "cred2", "cred3", "cred4", "cred5", "cred6"]);
    const badTop = await call(emu, "GET", `${identityPath(sub, "rg", "parent")}/federatedIdentityCredentials?api-version=2023-01-31&$top=0`);
    expect(badTop.status).toBe(400);
    const badToken = await call(emu, "GET", `${identityPath(sub, "rg", "parent")}/federatedIdentityCredentials?api-version=2023-01-31&$skiptoken=garbage!`);
    expect(badToken.status).toBe(400);
    expect(badToken.json.error.code).toBe("InvalidSkipToken");
  });

  it("refuses overlapping writes on one identity with the service's 409, allows other identities in parallel", async () => {
    emu.control.configure({ ficWriteWindowMs: 150 });
    await call(emu, "PUT", `${identityPath(sub, "rg", "Other")}?api-version=2023-01-31`, { location: "westus" });
    const [a, b, c] = await Promise.all([
      call(emu, "PUT", `${ficPath(sub, "rg", "parent", "cred-a")}?api-version=2023-01-31`, ficBody("a")),
      call(emu, "PUT", `${ficPath(sub, "rg", "parent", "cred-b")}?api-version=2023-01-31`, ficBody("b")),
      call(emu, "PUT", `${ficPath(sub, "rg", "Other", "cred-c")}?api-version=2023-01-31`, ficBody("c")),
    ]);
    expect(a!.status).toBe(201);
    expect(c!.status).toBe(201);
    expect(b!.status).toBe(409);
    const identityId = `/subscriptions/${sub}/resourcegroups/rg/providers/microsoft.managedidentity/userassignedidentities/parent`;
    expect(b!.json.error).toEqual({
      code: "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity",
      message: `Too many Federated Identity Credentials are written concurrently for the managed identity '${identityId}'. Concurrent Federated Identity Credentials writes under the same managed identity are not supported.`,
    });
    // Serialized writes succeed.
    expect((await call(emu, "PUT", `${ficPath(sub, "rg", "parent", "cred-b")}?api-version=2023-01-31`, ficBody("b"))).status).toBe(201);
    expect((await call(emu, "DELETE", `${ficPath(sub, "rg", "parent", "cred-b")}?api-version=2023-01-31`)).status).toBe(200);
  });
});

describe("resource groups, system-assigned identities, associated resources, paging and headers", () => {
  it("deleting a resource group deletes its identities and their credentials", async () => {
    await call(emu, "PUT", `/subscriptions/${sub}/resourceGroups/doomed?api-version=2021-04-01`, { location: "westus" });
    for (const name of ["one", "two"]) {
      await call(emu, "PUT", `${identityPath(sub, "doomed", name)}?api-version=2023-01-31`, { location: "westus" });
      await call(emu, "PUT", `${ficPath(sub, "doomed", name, "cred")}?api-version=2023-01-31`, ficBody(name));
    }
    await call(emu, "PUT", `${identityPath(sub, "rg", "survivor")}?api-version=2023-01-31`, { location: "westus" });
    expect(Object.keys(emu.control.state().fics)).toHaveLength(2);
    expect((await call(emu, "DELETE", `/subscriptions/${sub}/resourceGroups/doomed?api-version=2021-04-01`)).status).toBe(200);
    expect(Object.keys(emu.control.state().fics)).toHaveLength(0);
    const gone = await call(emu, "GET", `${identityPath(sub, "doomed", "one")}?api-version=2023-01-31`);
    expect(gone.json.error.code).toBe("ResourceGroupNotFound");
    const remaining = await call(emu, "GET", `/subscriptions/${sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`);
    expect(remaining.json.value.map((i: { name: string }) => i.name)).toEqual(["survivor"]);
    expect((await call(emu, "GET", `/subscriptions/${sub}/resourceGroups?api-version=2021-04-01`)).json.value.map((g: { name: string }) => g.name)).toEqual(["rg"]);
    expect((await call(emu, "GET", `/subscriptions?api-version=2021-04-01`)).json.value[0].subscriptionId).toBe(sub);
  });

  it("serves system-assigned identities only on scopes enabled through the control API", async () => {
    const scope = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Web/sites/app1`;
    const url = `${scope}/providers/Microsoft.ManagedIdentity/identities/default?api-version=2023-01-31`;
    expect((await call(emu, "GET", url)).status).toBe(404);
    const enabled = emu.control.enableSystemAssigned(scope);
    const r = await call(emu, "GET", url);
    expect(r.status).toBe(200);
    expect(r.json.properties.principalId).toBe(enabled.principalId);
    expect(r.json.properties.clientSecretUrl).toContain("credentials?tid=");
    const viaHttp = await call(emu, "DELETE", `/_emulator/system-assigned?scope=${encodeURIComponent(scope)}`);
    expect(viaHttp.status).toBe(200);
    expect((await call(emu, "GET", url)).status).toBe(404);
  });

  it("lists associated resources with $filter, $orderby, $top and paging", async () => {
    const created = await call(emu, "PUT", `${identityPath(sub, "rg", "assoc")}?api-version=2022-01-31-preview`, { location: "westus" });
    emu.control.setAssociatedResources(
      created.json.id,
      ["web1", "web2", "web3", "vm1"].map((n) => `/subscriptions/${sub}/resourceGroups/rg/providers/${n.startsWith("vm") ? "Microsoft.Compute/virtualMachines" : "Microsoft.Web/sites"}/${n}`),
    );
    const base = `${identityPath(sub, "rg", "assoc")}/listAssociatedResources?api-version=2022-01-31-preview`;
    const filtered = await call(emu, "POST", `${base}&$filter=${encodeURIComponent("contains(name, 'web')")}&$orderby=${encodeURIComponent("name desc")}&$top=2`);
    expect(filtered.status).toBe(200);
    expect(filtered.json.totalCount).toBe(3);
    expect(filtered.json.value.map((r: { name: string }) => r.name)).toEqual(["web3", "web2"]);
    expect(filtered.json.value[0].type).toBe("microsoft.web/sites");
    const next = await call(emu, "POST", filtered.json.nextLink.replace(emu.endpoint, ""));
    expect(next.json.value.map((r: { name: string }) => r.name)).toEqual(["web1"]);
    expect(next.json.nextLink).toBeUndefined();
    const badFilter = await call(emu, "POST", `${base}&$filter=${encodeURIComponent("name gt 'a'")}`);
    expect(badFilter.status).toBe(400);
  });

  it("pages identity lists with the configured page size", async () => {
    emu.control.configure({ pageSize: 4 });
    emu.control.seed({ identities: Array.from({ length: 10 }, (_, i) => ({ resourceGroup: "rg", name: `id-${String(i).padStart(2, "0")}` })) });
    let url: string | undefined = `/subscriptions/${sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2024-11-30`;
    const names: string[] = [];
    const tokens: string[] = [];
    while (url) {
      const r = await call(emu, "GET", url.replace(emu.endpoint, ""));
      names.push(...r.json.value.map((i: { name: string }) => i.name));
      url = r.json.nextLink;
      if (url) tokens.push(new URL(url).searchParams.get("$skiptoken")!);
    }
    expect(names).toHaveLength(10);
    expect(new Set(names).size).toBe(10);
    expect(tokens).toHaveLength(2);
  });

  it("sends request ids, correlation ids, echoed client request ids and rate-limit headers", async () => {
    const r = await call(emu, "GET", `/subscriptions/${sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`, undefined, {
      "x-ms-correlation-request-id": "corr-1",
      "x-ms-client-request-id": "client-1",
      "x-ms-return-client-request-id": "true",
    });
    expect(r.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers["x-ms-correlation-request-id"]).toBe("corr-1");
    expect(r.headers["x-ms-client-request-id"]).toBe("client-1");
    expect(Number(r.headers["x-ms-ratelimit-remaining-subscription-reads"])).toBeGreaterThan(0);
    const w = await call(emu, "PUT", `${identityPath(sub, "rg", "hdr")}?api-version=2023-01-31`, { location: "westus" });
    expect(Number(w.headers["x-ms-ratelimit-remaining-subscription-writes"])).toBeGreaterThan(0);
  });

  it("refuses oversized bodies with 413 and bad percent-encoding with 400", async () => {
    const big = await call(emu, "PUT", `${identityPath(sub, "rg", "big")}?api-version=2023-01-31`, Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
    expect(big.status).toBe(413);
    const badEncoding = await call(emu, "GET", `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/%E0%A4%A?api-version=2023-01-31`);
    expect(badEncoding.status).toBe(400);
    expect(badEncoding.json.error.code).toBe("InvalidRequestUri");
  });
});

describe("injected latency", () => {
  afterEach(() => jest.useRealTimers());

  it("holds the answer for the configured delay, then answers normally", async () => {
    jest.useFakeTimers();
    emu.control.failNext("latency", 1, { latencyMs: 10_000 });
    let settled = false;
    const pending = call(emu, "GET", `/subscriptions?api-version=2021-04-01`).then((r) => ((settled = true), r));
    await jest.advanceTimersByTimeAsync(9_000);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1_000);
    const r = await pending;
    expect(settled).toBe(true);
    expect(r.status).toBe(200);
  });
});
