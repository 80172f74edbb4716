/**
 * Long listings: 20,000 identities seeded through the control API and paged through by
 * subscription and by resource group (each exactly once, in order, also with writes between
 * pages), list requests that never re-sort the collection, and the store's sorted key index
 * against a plain sort after random single and bulk writes.
 */
import { createEmulator, type InProcessEmulator } from "arm-managed-identity/emulator";
import { emptyState, keysOf, Store, type IdentityRecord, type StoreOp } from "../../src/emulator/store.js";
import { call, identityPath } from "./helpers.js";

const COUNT = 20_000;
const GROUPS = 8;
const VERSION = "2024-11-30";

let emu: InProcessEmulator;
let sub: string;
/** Every seeded identity's name, in the order ARM ids sort (lowercased resource id). */
let expectedAll: string[];

const groupOf = (i: number): string => `rg-${i % GROUPS}`;
const nameOf = (i: number): string => `id-${String(i).padStart(5, "0")}`;

beforeAll(async () => {
  emu = createEmulator({ ficWriteWindowMs: 0 });
  sub = emu.subscriptionId;
  const identities = Array.from({ length: COUNT }, (_, i) => ({ resourceGroup: groupOf(i), name: nameOf(i) }));
  const seeded = await call(emu, "POST", "/_emulator/seed", { identities });
  expect(seeded.status).toBe(200);
  expectedAll = identities
    .map((i) => ({ key: identityPath(sub, i.resourceGroup, i.name).toLowerCase(), name: i.name }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((i) => i.name);
}, 60_000);

/** Follows nextLinks from `url`, calling `between` after each page but the last; returns the names and the page count. */
async function listAll(url: string, between?: (page: number) => Promise<void>): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let pages = 0;
  let next: string | undefined = url;
  while (next) {
    const r = await call(emu, "GET", next.replace(emu.endpoint, ""));
    expect(r.status).toBe(200);
    names.push(...r.json.value.map((i: { name: string }) => i.name));
    next = r.json.nextLink;
    pages++;
    if (between && next) await between(pages);
  }
  return { names, pages };
}

const bySubscription = (): string => `/subscriptions/${sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${VERSION}`;
const byGroup = (group: string): string => `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${VERSION}`;

it("pages through 20,000 identities by subscription: each exactly once, in id order", async () => {
  const { names, pages } = await listAll(bySubscription());
  expect(pages).toBe(COUNT / 100);
  expect(names).toHaveLength(COUNT);
  expect(names).toEqual(expectedAll);
}, 60_000);

it("pages through each resource group: each of its identities exactly once, in order, and no other", async () => {
  const seen = new Set<string>();
  for (let g = 0; g < GROUPS; g++) {
    const { names } = await listAll(byGroup(`rg-${g}`));
    const expected = Array.from({ length: COUNT }, (_, i) => i)
      .filter((i) => groupOf(i) === `rg-${g}`)
      .map(nameOf)
      .sort();
    expect(names).toEqual(expected);
    names.forEach((n) => seen.add(n));
  }
  expect(seen.size).toBe(COUNT);
}, 60_000);

it("keeps a listing consistent while identities are created and deleted between its pages", async () => {
  const created: string[] = [];
  const deleted: string[] = [];
  const { names } = await listAll(byGroup("rg-3"), async (page) => {
    // One identity that sorts before the cursor, one after everything (still ahead); and, early on, one removed ahead.
    for (const name of [`aaa-${String(page).padStart(3, "0")}`, `zzz-${String(page).padStart(3, "0")}`]) {
      const r = await call(emu, "PUT", `${identityPath(sub, "rg-3", name)}?api-version=${VERSION}`, { location: "westus" });
      expect(r.status).toBe(201);
      created.push(name);
    }
    if (page > 20) return;
    const victim = nameOf(3 + 8 * (COUNT / GROUPS - page));
    expect((await call(emu, "DELETE", `${identityPath(sub, "rg-3", victim)}?api-version=${VERSION}`)).status).toBe(200);
    deleted.push(victim);
  });
  const original = expectedAll.filter((n) => Number(n.slice(3)) % GROUPS === 3);
  const remaining = original.filter((n) => !deleted.includes(n));
  expect(names.filter((n) => n.startsWith("id-"))).toEqual(remaining);
  // Every identity created ahead of the cursor shows up; the ones created behind it do not.
  expect(names.filter((n) => n.startsWith("zzz-"))).toEqual(created.filter((n) => n.startsWith("zzz-")));
  expect(deleted).toHaveLength(20);
  expect(names.filter((n) => n.startsWith("aaa-"))).toEqual([]);
  expect(new Set(names).size).toBe(names.length);
  for (const name of created) await call(emu, "DELETE", `${identityPath(sub, "rg-3", name)}?api-version=${VERSION}`);
}, 60_000);

it("does not sort the collection again when a page follows a single write", async () => {
  await call(emu, "GET", bySubscription());
  const sortedLengths: number[] = [];
  const sort = Array.prototype.sort;
  const spy = jest.spyOn(Array.prototype, "sort").mockImplementation(function (this: unknown[], compare?: (a: unknown, b: unknown) => number) {
    sortedLengths.push(this.length);
    return sort.call(this, compare);
  });
  try {
    for (let i = 0; i < 5; i++) {
      expect((await call(emu, "PUT", `${identityPath(sub, "rg-1", `writer-${i}`)}?api-version=${VERSION}`, { location: "westus" })).status).toBe(201);
      const page = await call(emu, "GET", bySubscription());
      expect(page.json.value).toHaveLength(100);
      expect((await call(emu, "GET", page.json.nextLink.replace(emu.endpoint, ""))).status).toBe(200);
      expect((await call(emu, "GET", byGroup("rg-1"))).status).toBe(200);
      expect((await call(emu, "DELETE", `${identityPath(sub, "rg-1", `writer-${i}`)}?api-version=${VERSION}`)).status).toBe(200);
    }
  } finally {
    spy.mockRestore();
  }
  expect(sortedLengths.filter((n) => n >= COUNT)).toEqual([]);
});

describe("the store's sorted key index", () => {
  function identity(key: string): IdentityRecord {
    return { id: key, subscriptionId: "s", resourceGroup: "g", name: key, location: "westus", tags: {}, tenantId: "t", principalId: "p", clientId: "c", systemData: {} as IdentityRecord["systemData"] };
  }

  it("matches a plain sort of the keys after random single writes, bulk writes and a clear", () => {
    const store = new Store(emptyState({ tenantId: "t", tokenSecret: "x", identityHeader: "h", defaultSubscriptionId: "s", testPrincipal: { clientId: "c", objectId: "o" }, hostResourceId: "/h" }));
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const randomKey = (): string => `/subscriptions/s${Math.floor(random() * 3)}/resourcegroups/g${Math.floor(random() * 4)}/i${Math.floor(random() * 400)}`;
    const check = (): void => {
      const all = Object.keys(store.snapshot().identities).sort();
      expect(keysOf(store.identitiesUnder(""))).toEqual(all);
      for (const prefix of ["/subscriptions/s1/", "/subscriptions/s2/resourcegroups/g3/", "/subscriptions/s9/"]) {
        expect(keysOf(store.identitiesUnder(prefix))).toEqual(all.filter((k) => k.startsWith(prefix)));
      }
    };
    for (let round = 0; round < 40; round++) {
      const size = round % 5 === 4 ? 600 : 1 + Math.floor(random() * 4);
      const ops: StoreOp[] = Array.from({ length: size }, () => {
        const k = randomKey();
        return random() < 0.6 ? { t: "put", c: "identities", k, v: identity(k) } : { t: "del", c: "identities", k };
      });
      if (round === 30) ops.unshift({ t: "clear" });
      store.commit(ops);
      check();
    }
  });
});
