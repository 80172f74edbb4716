/**
 * The emulator over real HTTPS on 127.0.0.1: certificate trust, the official @azure/arm-msi client
 * (CRUD and paging, over TLS and over the in-process transport), injected faults and throttling
 * honoured by core-rest-pipeline's retries, oversized bodies and the token endpoints.
 */
import { ManagedServiceIdentityClient, type Identity } from "@azure/arm-msi";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { startEmulator, type RunningEmulator } from "arm-managed-identity/emulator";
import { send } from "./helpers.js";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ ficWriteWindowMs: 20 });
});

afterAll(async () => {
  await emu?.stop();
});

beforeEach(() => {
  emu.control.reset();
  emu.control.configure({ pageSize: 100, ficWriteWindowMs: 20 });
});

/** Counts every attempt the pipeline sends (retries included). */
function attemptCounter(): { policy: { policy: PipelinePolicy; position: "perRetry" }; count: () => number } {
  let n = 0;
  return {
    policy: { policy: { name: "countAttempts", sendRequest: (req, next) => ((n += 1), next(req)) }, position: "perRetry" },
    count: () => n,
  };
}

function armMsi(options: { inProcess?: boolean; additionalPolicies?: Array<{ policy: PipelinePolicy; position: "perRetry" }> } = {}): ManagedServiceIdentityClient {
  return new ManagedServiceIdentityClient(emu.credential, emu.subscriptionId, {
    endpoint: emu.endpoint,
    ...(options.inProcess ? { httpClient: emu.httpClient } : { tlsOptions: { ca: emu.caCertificate } }),
    retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    additionalPolicies: options.additionalPolicies,
  });
}

describe("TLS", () => {
  it("serves a certificate for 127.0.0.1 and localhost signed by the exposed CA, and refuses untrusted clients", async () => {
    const url = `/subscriptions?api-version=2021-04-01`;
    const headers = { authorization: `Bearer ${emu.control.getToken()}` };
    expect((await send(`${emu.endpoint}${url}`, { headers, ca: emu.caCertificate })).status).toBe(200);
    expect((await send(`${emu.endpoint.replace("127.0.0.1", "localhost")}${url}`, { headers, ca: emu.caCertificate })).status).toBe(200);
    await expect(send(`${emu.endpoint}${url}`, { headers })).rejects.toThrow(/certificate/i);
  });
});

describe.each([
  ["HTTPS with tlsOptions.ca", false],
  ["the in-process httpClient", true],
])("@azure/arm-msi 2.2.0 over %s", (_, inProcess) => {
  it("creates, reads, updates, lists (many pages) and deletes identities and federated credentials", async () => {
    emu.control.configure({ pageSize: 4 });
    emu.control.seed({ resourceGroups: [{ name: "rg-msi" }] });
    const client = armMsi({ inProcess });
    const created: Identity[] = [];
    for (let i = 0; i < 11; i++) created.push(await client.userAssignedIdentities.createOrUpdate("rg-msi", `identity-${i}`, { location: "westus", tags: { i: String(i) } }));
    expect(created[0]!.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created[0]!.isolationScope).toBe("None");
    expect(created[0]!.systemData?.createdByType).toBe("Application");
    const got = await client.userAssignedIdentities.get("rg-msi", "IDENTITY-3");
    expect(got.name).toBe("identity-3");
    expect(got.principalId).toBe(created[3]!.principalId);
    const updated = await client.userAssignedIdentities.update("rg-msi", "identity-3", { tags: { updated: "yes" } });
    expect(updated.tags).toEqual({ updated: "yes" });
    let pages = 0;
    const names: string[] = [];
    for await (const page of client.userAssignedIdentities.listByResourceGroup("rg-msi").byPage()) {
      pages++;
      names.push(...page.map((p) => p.name!));
    }
    expect(pages).toBe(3);
    expect(names.sort()).toEqual(created.map((c) => c.name!).sort());
    const bySub: string[] = [];
    for await (const identity of client.userAssignedIdentities.listBySubscription()) bySub.push(identity.name!);
    expect(bySub).toHaveLength(11);

    for (let i = 0; i < 6; i++) {
      const fic = await client.federatedIdentityCredentials.createOrUpdate("rg-msi", "identity-0", `cred-${i}`, {
        issuer: "https://oidc.example.com",
        subject: `system:serviceaccount:ns:sa-${i}`,
        audiences: ["api://AzureADTokenExchange"],
      });
      expect(fic.subject).toBe(`system:serviceaccount:ns:sa-${i}`);
    }
    const ficNames: string[] = [];
    let ficPages = 0;
    for await (const page of client.federatedIdentityCredentials.list("rg-msi", "identity-0", { top: 2 }).byPage()) {
      ficPages++;
      ficNames.push(...page.map((f) => f.name!));
    }
    expect(ficPages).toBe(3);
    expect(ficNames).toEqual(["cred-0", "cred-1", "cred-2", "cred-3", "cred-4", "cred-5"]);
    expect((await client.federatedIdentityCredentials.get("rg-msi", "identity-0", "cred-4")).audiences).toEqual(["api://AzureADTokenExchange"]);
    await client.federatedIdentityCredentials.delete("rg-msi", "identity-0", "cred-4");
    await expect(client.federatedIdentityCredentials.get("rg-msi", "identity-0", "cred-4")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });

    const scope = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-msi/providers/Microsoft.Web/sites/app`;
    emu.control.enableSystemAssigned(scope);
    expect((await client.systemAssignedIdentities.getByScope(scope)).principalId).toMatch(/^[0-9a-f-]{36}$/);
    const operations: string[] = [];
    for await (const op of client.operations.list()) operations.push(op.name!);
    expect(operations).toContain("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write");

    await client.userAssignedIdentities.delete("rg-msi", "identity-0");
    await expect(client.userAssignedIdentities.get("rg-msi", "identity-0")).rejects.toMatchObject({ statusCode: 404 });
    expect(Object.keys(emu.control.state().fics)).toHaveLength(0);
  });
});

describe("authentication through a real client", () => {
  it("turns a token the emulator did not issue into a RestError 401 without retrying", async () => {
    const foreign = { getToken: async () => ({ token: "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln", expiresOnTimestamp: Date.now() + 3600_000 }) };
    const attempts = attemptCounter();
    const client = new ManagedServiceIdentityClient(foreign, emu.subscriptionId, {
      endpoint: emu.endpoint,
      tlsOptions: { ca: emu.caCertificate },
      additionalPolicies: [attempts.policy],
    });
    await expect(client.userAssignedIdentities.get("rg", "any")).rejects.toMatchObject({ statusCode: 401, code: "InvalidAuthenticationToken" });
    expect(attempts.count()).toBe(1);
  });
});

describe("faults and throttling", () => {
  beforeEach(() => {
    emu.control.seed({ identities: [{ resourceGroup: "rg-faults", name: "target" }] });
  });

  it.each([
    ["429", 2],
    ["503", 2],
    ["500", 1],
    ["reset", 2],
  ] as const)("the client retries injected %s faults and succeeds", async (kind, count) => {
    emu.control.failNext(kind, count, { retryAfterSeconds: 0, pathPattern: /userAssignedIdentities\/target/ });
    const attempts = attemptCounter();
    const client = armMsi({ additionalPolicies: [attempts.policy] });
    const identity = await client.userAssignedIdentities.get("rg-faults", "target");
    expect(identity.name).toBe("target");
    expect(attempts.count()).toBe(count + 1);
  });

  it("sends Retry-After with an injected 429 and the ARM error envelope", async () => {
    emu.control.failNext("429", 1, { retryAfterSeconds: 7 });
    const r = await send(`${emu.endpoint}/subscriptions?api-version=2021-04-01`, { headers: { authorization: `Bearer ${emu.control.getToken()}` }, ca: emu.caCertificate });
    expect(r.status).toBe(429);
    expect(r.headers["retry-after"]).toBe("7");
    expect(r.json.error.code).toBe("TooManyRequests");
  });

  it("random faults follow the seed: the same seed injects the same faults", async () => {
    const outcome = async (): Promise<number[]> => {
      emu.control.setFaults({ rate: 0.5, seed: 42, kinds: ["500", "503"], retryAfterSeconds: 0 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        statuses.push((await send(`${emu.endpoint}/subscriptions?api-version=2021-04-01`, { headers: { authorization: `Bearer ${emu.control.getToken()}` }, ca: emu.caCertificate })).status);
      }
      emu.control.setFaults(undefined);
      return statuses;
    };
    const first = await outcome();
    expect(first.filter((s) => s >= 500).length).toBeGreaterThan(0);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(await outcome()).toEqual(first);
  });

  it("throttles with the documented per-resource read limit and the client waits for Retry-After", async () => {
    // The clock stands still for the first two requests, so the second meets an empty bucket
    // however long the machine takes between them.
    const clock = jest.spyOn(Date, "now").mockReturnValue(Date.now());
    emu.control.setThrottling({});
    const url = `${emu.endpoint}/subscriptions/${emu.subscriptionId}/resourceGroups/rg-faults/providers/Microsoft.ManagedIdentity/userAssignedIdentities/target?api-version=2024-11-30`;
    const headers = { authorization: `Bearer ${emu.control.getToken()}` };
    let throttled;
    try {
      expect((await send(url, { headers, ca: emu.caCertificate })).status).toBe(200);
      throttled = await send(url, { headers, ca: emu.caCertificate });
    } finally {
      clock.mockRestore();
    }
    expect(throttled.status).toBe(429);
    // 0.5 requests per second per resource: a token comes back within 2 s.
    expect(["1", "2"]).toContain(throttled.headers["retry-after"]);
    expect(throttled.json.error.message).toContain("resource read limit");

    emu.control.setThrottling({});
    const statuses: number[] = [];
    const seen: PipelinePolicy = { name: "statuses", sendRequest: async (req, next) => { const r = await next(req); statuses.push(r.status); return r; } };
    const client = armMsi({ additionalPolicies: [{ policy: seen, position: "perRetry" }] });
    // Two reads at once: one passes, the other gets 429 + Retry-After, waits, and passes on retry.
    const both = await Promise.all([client.userAssignedIdentities.get("rg-faults", "target"), client.userAssignedIdentities.get("rg-faults", "target")]);
    expect(both.map((i) => i.name)).toEqual(["target", "target"]);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
  });
});

describe("HTTP edge cases", () => {
  it("answers a body over 4 MB with 413 and keeps serving", async () => {
    const url = `${emu.endpoint}/subscriptions/${emu.subscriptionId}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/big?api-version=2023-01-31`;
    const r = await send(url, { method: "PUT", headers: { authorization: `Bearer ${emu.control.getToken()}`, "content-type": "application/json" }, body: Buffer.alloc(5 * 1024 * 1024, 0x20), ca: emu.caCertificate });
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe("RequestEntityTooLarge");
    expect((await send(`${emu.endpoint}/subscriptions?api-version=2021-04-01`, { headers: { authorization: `Bearer ${emu.control.getToken()}` }, ca: emu.caCertificate })).status).toBe(200);
  });

  it("drops the connection for an injected reset", async () => {
    emu.control.failNext("reset");
    await expect(send(`${emu.endpoint}/subscriptions?api-version=2021-04-01`, { headers: { authorization: `Bearer ${emu.control.getToken()}` }, ca: emu.caCertificate })).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it("serves the control API over HTTP", async () => {
    const seeded = await send(`${emu.endpoint}/_emulator/seed`, { method: "POST", body: JSON.stringify({ identities: [{ resourceGroup: "rg-http", name: "seeded" }] }), ca: emu.caCertificate });
    expect(seeded.status).toBe(200);
    expect(seeded.json.identities[0].clientId).toMatch(/^[0-9a-f-]{36}$/);
    const state = await send(`${emu.endpoint}/_emulator/state`, { ca: emu.caCertificate });
    expect(Object.values(state.json.identities).map((i: any) => i.name)).toContain("seeded");
    const bad = await send(`${emu.endpoint}/_emulator/nope`, { method: "POST", ca: emu.caCertificate });
    expect(bad.status).toBe(404);
    expect(bad.json.error.code).toBe("NotFound");
  });

  it("token endpoints check the App Service secret header and the IMDS Metadata header", async () => {
    const resource = encodeURIComponent("https://management.azure.com");
    const noSecret = await send(`${emu.tokenEndpoints.appService}?api-version=2019-08-01&resource=${resource}`);
    expect(noSecret.status).toBe(401);
    const ok = await send(`${emu.tokenEndpoints.appService}?api-version=2019-08-01&resource=${resource}`, { headers: { "X-IDENTITY-HEADER": emu.identityHeader } });
    expect(ok.status).toBe(200);
    expect(ok.json.token_type).toBe("Bearer");
    expect(Number(ok.json.expires_on)).toBeGreaterThan(Date.now() / 1000);
    const noMetadata = await send(`${emu.tokenEndpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${resource}`);
    expect(noMetadata.status).toBe(400);
    expect(noMetadata.json.error_description).toBe("Required metadata header not specified");
    const unknown = await send(`${emu.tokenEndpoints.imds}/metadata/identity/oauth2/token/?api-version=2018-02-01&resource=${resource}&client_id=00000000-0000-0000-0000-000000000000`, { headers: { Metadata: "true" } });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ error: "invalid_request", error_description: "Identity not found" });
    // The token works against ARM.
    const armCall = await send(`${emu.endpoint}/subscriptions?api-version=2021-04-01`, { headers: { authorization: `Bearer ${ok.json.access_token}` }, ca: emu.caCertificate });
    expect(armCall.status).toBe(200);
  });
});
