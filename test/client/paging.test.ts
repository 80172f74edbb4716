import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { getContinuationToken, ManagedIdentityValidationError, ManagedServiceIdentityClient } from "../../src/index.js";
import { arm, identity, RecordingCredential, subscriptionId } from "./helpers.js";

const listUrl = `${arm}/subscriptions/${subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
const ficUrl = `${arm}/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1/federatedIdentityCredentials`;

/** Server pages are generated on request: `pages` pages of `perPage` identities, page n at `?page=n`. */
let pages = 3;
let perPage = 5;
const requests: URL[] = [];
const server = setupServer(
  http.get(listUrl, ({ request }) => {
    const url = new URL(request.url);
    requests.push(url);
    const page = Number(url.searchParams.get("page") ?? "0");
    const value = Array.from({ length: perPage }, (_, i) => identity("rg", `id-${page}-${i}`));
    const nextLink = page + 1 < pages ? `${listUrl}?api-version=${url.searchParams.get("api-version")}&page=${page + 1}` : undefined;
    return HttpResponse.json({ value, nextLink });
  }),
  http.post(`${arm}/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1/listAssociatedResources`, ({ request }) => {
    const url = new URL(request.url);
    requests.push(url);
    const top = Number(url.searchParams.get("$top") ?? "100");
    const value = Array.from({ length: Math.min(top, 4) }, (_, i) => ({ id: `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${i}`, name: `vm${i}` }));
    return HttpResponse.json({ value, totalCount: 4 });
  }),
  http.get(ficUrl, ({ request }) => {
    const url = new URL(request.url);
    requests.push(url);
    const top = Number(url.searchParams.get("$top") ?? "100");
    const skip = Number(url.searchParams.get("$skiptoken") ?? "0");
    const total = 7;
    const value = Array.from({ length: Math.min(top, total - skip) }, (_, i) => ({
      id: `${ficUrl}/fic-${skip + i}`,
      name: `fic-${skip + i}`,
      properties: { issuer: "https://issuer.example", subject: `s${skip + i}`, audiences: ["api://AzureADTokenExchange"] },
    }));
    const nextLink = skip + top < total ? `${ficUrl}?api-version=${url.searchParams.get("api-version")}&$top=${top}&$skiptoken=${skip + top}` : undefined;
    return HttpResponse.json({ value, nextLink });
  }),
  http.get(`${arm}/providers/Microsoft.ManagedIdentity/operations`, ({ request }) => {
    const url = new URL(request.url);
    requests.push(url);
    const page = Number(url.searchParams.get("page") ?? "0");
    const nextLink = page === 0 ? `${arm}/providers/Microsoft.ManagedIdentity/operations?api-version=${url.searchParams.get("api-version")}&page=1` : undefined;
    return HttpResponse.json({ value: [{ name: `Microsoft.ManagedIdentity/op${page}` }], nextLink });
  }),
  http.all("https://evil.example/*", ({ request }) => {
    requests.push(new URL(request.url));
    return HttpResponse.json({ value: [] });
  }),
  http.all("https://management.azure.com.evil.example/*", ({ request }) => {
    requests.push(new URL(request.url));
    return HttpResponse.json({ value: [] });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => {
  requests.length = 0;
  pages = 3;
  perPage = 5;
});
afterAll(() => server.close());

const newClient = () => new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId);
const names = (page: { name?: string }[]) => page.map((i) => i.name);

describe("items and pages", () => {
  it("for await yields every item of every page", async () => {
    const all: string[] = [];
    for await (const item of newClient().userAssignedIdentities.listBySubscription()) all.push(item.name!);
    expect(all).toHaveLength(15);
    expect(all[0]).toBe("id-0-0");
    expect(all[14]).toBe("id-2-4");
  });

  it("byPage() yields the server pages, each with the server's continuation token", async () => {
    const seen: string[][] = [];
    const tokens: (string | undefined)[] = [];
    for await (const page of newClient().userAssignedIdentities.listBySubscription().byPage()) {
      seen.push(names(page) as string[]);
      tokens.push(getContinuationToken(page));
    }
    expect(seen.map((p) => p.length)).toEqual([5, 5, 5]);
    expect(tokens[0]).toMatch(/page=1$/);
    expect(tokens[2]).toBeUndefined();
  });
});

describe("continuation tokens", () => {
  it("a token from one client resumes in a fresh client (as after a restart)", async () => {
    const first = await newClient().userAssignedIdentities.listBySubscription().byPage().next();
    const token = getContinuationToken(first.value);
    expect(typeof token).toBe("string");
    const serialized = JSON.parse(JSON.stringify({ token })) as { token: string };

    requests.length = 0;
    const rest: string[] = [];
    for await (const page of newClient().userAssignedIdentities.listBySubscription().byPage({ continuationToken: serialized.token })) {
      rest.push(...(names(page) as string[]));
    }
    expect(rest[0]).toBe("id-1-0");
    expect(rest).toHaveLength(10);
    expect(requests.map((u) => u.searchParams.get("page"))).toEqual(["1", "2"]);
  });

  it("a token in the middle of a re-chunked server page resumes at the next item in a fresh client", async () => {
    const iterator = newClient().userAssignedIdentities.listBySubscription().byPage({ maxPageSize: 2 });
    await iterator.next();
    const second = await iterator.next();
    expect(names(second.value)).toEqual(["id-0-2", "id-0-3"]);
    const token = getContinuationToken(second.value)!;

    const resumed: string[][] = [];
    for await (const page of newClient().userAssignedIdentities.listBySubscription().byPage({ continuationToken: token, maxPageSize: 3 })) {
      resumed.push(names(page) as string[]);
    }
    expect(resumed[0]).toEqual(["id-0-4"]);
    expect(resumed[1]).toEqual(["id-1-0", "id-1-1", "id-1-2"]);
    expect(resumed.flat()).toHaveLength(11);
  });

  it("follows the server's next link as given, api-version included", async () => {
    const token = `${listUrl}?api-version=2024-11-30&page=2`;
    const items: string[] = [];
    for await (const page of newClient().userAssignedIdentities.listBySubscription().byPage({ continuationToken: token })) items.push(...(names(page) as string[]));
    expect(items[0]).toBe("id-2-0");
    expect(requests.map((u) => u.searchParams.getAll("api-version"))).toEqual([["2024-11-30"]]);
  });

  it("rejects a token it did not issue, naming the setting", async () => {
    const pagesIterator = newClient().userAssignedIdentities.listBySubscription().byPage({ continuationToken: "armmi1.!!!" });
    const error = await pagesIterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedIdentityValidationError);
    expect((error as Error).message).toBe(
      'Invalid settings.continuationToken "armmi1.!!!": a continuation token must be a non-empty string from getContinuationToken() of a listing of this package.',
    );
    expect(requests).toEqual([]);
  });

  it.each([
    ["another host", "https://evil.example/collect"],
    ["another host behind a look-alike name", "https://management.azure.com.evil.example/subscriptions/x"],
    ["a protocol-relative link", "//evil.example/subscriptions/x"],
    ["plain http on the same host name", `http://management.azure.com/subscriptions/${subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`],
    ["a path outside /subscriptions/ and /providers/", `${arm}/tenants/x`],
  ])("refuses a link to %s and sends nothing", async (_what, link) => {
    const credential = new RecordingCredential();
    const client = new ManagedServiceIdentityClient(credential, subscriptionId);
    const error = await client.userAssignedIdentities.listBySubscription().byPage({ continuationToken: link }).next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedIdentityValidationError);
    expect((error as ManagedIdentityValidationError).parameter).toBe("settings.continuationToken");
    expect((error as Error).message).toBe(
      `Invalid settings.continuationToken ${JSON.stringify(link.length > 60 ? `${link.slice(0, 60)}…` : link)}: a continuation token must lead to the client's endpoint https://management.azure.com and a path under /subscriptions/ or /providers/.`,
    );
    expect(requests).toEqual([]);
    expect(credential.scopes).toEqual([]);
  });

  it("refuses a link to another host wrapped in the package's own token format", async () => {
    const forged = `armmi1.${Buffer.from(JSON.stringify({ l: "https://evil.example/collect", o: 1 }), "utf8").toString("base64url")}`;
    const error = await newClient().userAssignedIdentities.listBySubscription().byPage({ continuationToken: forged }).next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedIdentityValidationError);
    expect(requests).toEqual([]);
  });

  it("follows next links under /providers/ (operations.list) across byPage calls", async () => {
    const client = newClient();
    const first = await client.operations.list().byPage().next();
    const token = getContinuationToken(first.value);
    expect(token).toMatch(/^https:\/\/management\.azure\.com\/providers\/Microsoft\.ManagedIdentity\/operations\?/);
    const second = await client.operations.list().byPage({ continuationToken: token }).next();
    expect(second.value.map((o: { name?: string }) => o.name)).toEqual(["Microsoft.ManagedIdentity/op1"]);
    expect(requests.map((u) => u.searchParams.get("page"))).toEqual([null, "1"]);
  });

  it("follows links on a custom endpoint with a base path", async () => {
    const base = "https://arm.contoso.example/proxy";
    const path = `/subscriptions/${subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
    const seen: string[] = [];
    server.use(
      http.get(`${base}${path}`, ({ request }) => {
        seen.push(request.url);
        return HttpResponse.json({ value: [identity("rg", "id-x")] });
      }),
    );
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, { endpoint: base });
    const link = `${base}${path}?api-version=2024-11-30&page=4`;
    const page = await client.userAssignedIdentities.listBySubscription().byPage({ continuationToken: link }).next();
    expect(names(page.value)).toEqual(["id-x"]);
    expect(seen).toEqual([link]);
    const outside = await client.userAssignedIdentities
      .listBySubscription()
      .byPage({ continuationToken: `https://arm.contoso.example${path}` })
      .next()
      .catch((e: unknown) => e);
    expect(outside).toBeInstanceOf(ManagedIdentityValidationError);
    expect(seen).toHaveLength(1);
  });

  it("byPage(null) and byPage(undefined) start from the first page", async () => {
    const list = newClient().userAssignedIdentities.listBySubscription();
    const fromNull = await list.byPage(null as unknown as undefined).next();
    const fromUndefined = await list.byPage(undefined).next();
    expect(names(fromNull.value)).toEqual(names(fromUndefined.value));
    expect(names(fromNull.value)[0]).toBe("id-0-0");
  });
});

describe("maxPageSize", () => {
  it("re-chunks a listing without $top on the client, sending no $top", async () => {
    const sizes: number[] = [];
    for await (const page of newClient().userAssignedIdentities.listBySubscription().byPage({ maxPageSize: 2 })) sizes.push(page.length);
    expect(sizes).toEqual([2, 2, 1, 2, 2, 1, 2, 2, 1]);
    expect(requests).toHaveLength(3);
    expect(requests.every((u) => !u.searchParams.has("$top"))).toBe(true);
  });

  it("sends $top where the operation has it (federated identity credentials)", async () => {
    const sizes: number[] = [];
    for await (const page of newClient().federatedIdentityCredentials.list("rg", "id1").byPage({ maxPageSize: 3 })) sizes.push(page.length);
    expect(sizes).toEqual([3, 3, 1]);
    expect(requests.map((u) => u.searchParams.get("$top"))).toEqual(["3", "3", "3"]);
  });

  it("sends $top for listAssociatedResources (2022-01-31-preview, pinned in a profile)", async () => {
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, {
      profile: { default: "2024-11-30", userAssignedIdentities: "2022-01-31-preview" },
    });
    const first = await client.userAssignedIdentities.listAssociatedResources("rg", "id1", { filter: "type eq 'Microsoft.Compute/virtualMachines'" }).byPage({ maxPageSize: 2 }).next();
    expect(names(first.value)).toEqual(["vm0", "vm1"]);
    expect(requests[0].searchParams.get("$top")).toBe("2");
    expect(requests[0].searchParams.get("$filter")).toBe("type eq 'Microsoft.Compute/virtualMachines'");
    expect(requests[0].searchParams.get("api-version")).toBe("2022-01-31-preview");
  });

  it("rejects a size that is not a positive integer", async () => {
    const error = await newClient().userAssignedIdentities.listBySubscription().byPage({ maxPageSize: 0 }).next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedIdentityValidationError);
    expect((error as Error).message).toBe("Invalid settings.maxPageSize (number) 0: a page size must be a positive integer.");
    expect(requests).toEqual([]);
  });
});

describe("streaming", () => {
  it("requests pages only as items are consumed, holding one page at a time", async () => {
    pages = 50;
    perPage = 10;
    let consumed = 0;
    for await (const item of newClient().userAssignedIdentities.listBySubscription()) {
      expect(item.name).toBeDefined();
      consumed += 1;
      // Never more pages fetched than needed for the items consumed so far.
      expect(requests.length).toBe(Math.ceil(consumed / perPage));
      if (consumed === 25) break;
    }
    expect(requests).toHaveLength(3);
  });

  it("byPage pulls one server page per page consumed, even re-chunked", async () => {
    pages = 50;
    perPage = 10;
    const iterator = newClient().userAssignedIdentities.listBySubscription().byPage({ maxPageSize: 4 });
    for (let i = 0; i < 5; i++) await iterator.next();
    expect(requests).toHaveLength(2);
  });
});
