import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { getContinuationToken, ManagedServiceIdentityClient } from "../../src/index.js";
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
    await expect(pagesIterator.next()).rejects.toThrow(/Page setting "continuationToken" has the value "armmi1.!!!", which is not a token this package issued/);
    expect(requests).toEqual([]);
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
    await expect(newClient().userAssignedIdentities.listBySubscription().byPage({ maxPageSize: 0 }).next()).rejects.toThrow(
      /Page setting "maxPageSize" has the value 0; it must be a positive integer/,
    );
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
