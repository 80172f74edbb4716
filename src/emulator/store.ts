/**
 * The emulator's state: subscriptions, resource groups, identities, federated credentials,
 * system-assigned identities, seeded associated resources and token revocations. Every change is a
 * list of {@link StoreOp}s, applied the same way live and when a journal is replayed.
 */

/** Who last touched a resource, as ARM's `systemData` reports it. */
export interface SystemData {
  createdBy: string;
  createdByType: "User" | "Application" | "ManagedIdentity" | "Key";
  createdAt: string;
  lastModifiedBy: string;
  lastModifiedByType: "User" | "Application" | "ManagedIdentity" | "Key";
  lastModifiedAt: string;
}

/** A subscription the emulator knows. */
export interface SubscriptionRecord {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
  state: "Enabled";
}

/** A resource group. */
export interface ResourceGroupRecord {
  id: string;
  subscriptionId: string;
  name: string;
  location: string;
  tags: Record<string, string>;
}

/** A user-assigned identity with every property any API version knows. */
export interface IdentityRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  tenantId: string;
  principalId: string;
  clientId: string;
  isolationScope?: string;
  assignmentRestrictions?: { providers: string[] };
  assignmentBlocked?: boolean;
  federationBlocked?: boolean;
  systemData: SystemData;
}

/** A federated identity credential (plain or flexible) of one identity. */
export interface FicRecord {
  id: string;
  identityKey: string;
  name: string;
  issuer: string;
  subject?: string;
  audiences: string[];
  claimsMatchingExpression?: { value: string; languageVersion: number };
  systemData: SystemData;
}

/** A system-assigned identity enabled on some resource scope. */
export interface SystemAssignedRecord {
  scope: string;
  location: string;
  tags: Record<string, string>;
  tenantId: string;
  principalId: string;
  clientId: string;
}

/** A resource that uses an identity, as `listAssociatedResources` reports it. */
export interface AssociatedResource {
  id: string;
  name: string;
  type: string;
  resourceGroup: string;
  subscriptionId: string;
  subscriptionDisplayName: string;
}

/** Emulator-wide facts that must survive restarts. */
export interface StoreMeta {
  tenantId: string;
  /** Secret for signing tokens, so tokens issued before a restart stay valid. */
  tokenSecret: string;
  /** Value clients must send in `X-IDENTITY-HEADER` to the App Service token endpoint. */
  identityHeader: string;
  /** Subscription created on first start. */
  defaultSubscriptionId: string;
  /** The principal `credential` tokens are issued to (an app registration). */
  testPrincipal: { clientId: string; objectId: string };
  /** Resource id of the host the emulated process runs on (system-assigned identity of token endpoints). */
  hostResourceId: string;
}

/** Collections of records, keyed by lowercased id (or scope, or principal id). */
export interface StoreCollections {
  subscriptions: Record<string, SubscriptionRecord>;
  resourceGroups: Record<string, ResourceGroupRecord>;
  identities: Record<string, IdentityRecord>;
  fics: Record<string, FicRecord>;
  systemAssigned: Record<string, SystemAssignedRecord>;
  associated: Record<string, AssociatedResource[]>;
  /** principalId → epoch ms: tokens of that principal issued up to then are refused. */
  revocations: Record<string, number>;
}

/** The whole serialisable state. */
export interface StoreState extends StoreCollections {
  meta: StoreMeta;
}

/** One atomic change to the state. */
export type StoreOp =
  | { t: "put"; c: keyof StoreCollections; k: string; v: unknown }
  | { t: "del"; c: keyof StoreCollections; k: string }
  | { t: "meta"; v: StoreMeta }
  | { t: "clear" };

/** Something that makes a batch of changes durable before it is applied. */
export interface StoreJournal {
  /** Persists one batch atomically (all of it or none after a crash). */
  commit(ops: readonly StoreOp[]): void;
}

/** An empty state for the given tenant. */
export function emptyState(meta: StoreMeta): StoreState {
  return {
    meta,
    subscriptions: {},
    resourceGroups: {},
    identities: {},
    fics: {},
    systemAssigned: {},
    associated: {},
    revocations: {},
  };
}

/** Lowercased lookup key of an id: ARM names compare case-insensitively. */
export function keyOf(id: string): string {
  return id.toLowerCase();
}

/** A run of consecutive entries of a sorted collection, read in place (paging copies one page only); valid until the next write. */
export interface SortedRange<T> {
  /** Index of the first entry. */
  readonly start: number;
  /** Index after the last entry. */
  readonly end: number;
  /** Key of the entry at an index in `[start, end)`. */
  keyAt(index: number): string;
  /** Value of the entry at an index in `[start, end)`. */
  valueAt(index: number): T;
}

/** Batches of more ops than this (seeding) drop the index and sort once, instead of inserting key by key. */
const BULK_INDEX_CHANGE = 256;

/** First index in `keys` (sorted) whose key is not less than `key`. */
function lowerBound(keys: readonly string[], key: string, from = 0, to = keys.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The smallest string greater than every string that starts with `prefix` (for an upper bound). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * The keys of one collection in sorted order. Single writes insert or remove their key by binary
 * search; bulk writes (seeding, reset) drop the index and it is sorted again on the next read.
 */
class SortedKeys {
  private keys?: string[];

  constructor(private readonly source: () => Record<string, unknown>) {}

  /** The sorted keys (do not mutate). */
  get(): readonly string[] {
    return (this.keys ??= Object.keys(this.source()).sort());
  }

  added(key: string): void {
    if (!this.keys) return;
    const at = lowerBound(this.keys, key);
    if (this.keys[at] !== key) this.keys.splice(at, 0, key);
  }

  removed(key: string): void {
    if (!this.keys) return;
    const at = lowerBound(this.keys, key);
    if (this.keys[at] === key) this.keys.splice(at, 1);
  }

  invalidate(): void {
    this.keys = undefined;
  }
}

/** Which id of a principal a token request names. */
export type PrincipalField = "clientId" | "principalId";

/** Keys of the records of one collection by lowercased client id and by lowercased principal id. */
class PrincipalIndex {
  private readonly keys = new Map<string, string>();

  add(key: string, record: { clientId: string; principalId: string }): void {
    this.keys.set(`clientId:${keyOf(record.clientId)}`, key);
    this.keys.set(`principalId:${keyOf(record.principalId)}`, key);
  }

  remove(record: { clientId: string; principalId: string } | undefined): void {
    if (!record) return;
    this.keys.delete(`clientId:${keyOf(record.clientId)}`);
    this.keys.delete(`principalId:${keyOf(record.principalId)}`);
  }

  find(field: PrincipalField, id: string): string | undefined {
    return this.keys.get(`${field}:${keyOf(id)}`);
  }

  clear(): void {
    this.keys.clear();
  }
}

/** The in-memory store; writes go through {@link Store.commit} so they are journaled first. */
export class Store {
  private state: StoreState;
  private journal?: StoreJournal;
  /** identity key → keys of its federated credentials. */
  private ficIndex = new Map<string, Set<string>>();
  /** Identities and system-assigned identities by client id and principal id (token requests name them so). */
  private principals = { identities: new PrincipalIndex(), systemAssigned: new PrincipalIndex() };
  /** Sorted keys of the collections that are listed by prefix, so a page costs O(log n + page size). */
  private sortedKeys: Partial<Record<keyof StoreCollections, SortedKeys>> = {
    subscriptions: new SortedKeys(() => this.state.subscriptions),
    resourceGroups: new SortedKeys(() => this.state.resourceGroups),
    identities: new SortedKeys(() => this.state.identities),
    systemAssigned: new SortedKeys(() => this.state.systemAssigned),
  };

  constructor(state: StoreState, journal?: StoreJournal) {
    this.state = state;
    this.journal = journal;
    this.rebuildIndex();
  }

  /** Applies a batch: journal first (fsync), then memory, so an acknowledged write is durable. */
  commit(ops: readonly StoreOp[]): void {
    if (ops.length === 0) return;
    this.journal?.commit(ops);
    const bulk = ops.length > BULK_INDEX_CHANGE;
    for (const op of ops) {
      if (op.t === "clear") {
        for (const index of Object.values(this.sortedKeys)) index.invalidate();
        this.principals.identities.clear();
        this.principals.systemAssigned.clear();
      } else if (op.t === "put" || op.t === "del") {
        const index = this.sortedKeys[op.c];
        if (index) {
          const existed = op.k in (this.state[op.c] as Record<string, unknown>);
          if (bulk) {
            if (existed !== (op.t === "put")) index.invalidate();
          } else if (op.t === "put" && !existed) {
            index.added(op.k);
          } else if (op.t === "del" && existed) {
            index.removed(op.k);
          }
        }
        if (op.c === "identities" || op.c === "systemAssigned") {
          this.principals[op.c].remove(this.state[op.c][op.k]);
          if (op.t === "put") this.principals[op.c].add(op.k, op.v as { clientId: string; principalId: string });
        }
      }
      applyOp(this.state, op, this.ficIndex);
    }
  }

  /** The current state (read-only view; do not mutate). */
  snapshot(): StoreState {
    return this.state;
  }

  /** Emulator-wide facts. */
  get meta(): StoreMeta {
    return this.state.meta;
  }

  /** A subscription by id (any casing). */
  subscription(id: string): SubscriptionRecord | undefined {
    return this.state.subscriptions[keyOf(id)];
  }

  /** Every subscription, in key order. */
  subscriptions(): SortedRange<SubscriptionRecord> {
    return this.rangeUnder("subscriptions", "");
  }

  /** A resource group by lowercased id. */
  resourceGroup(key: string): ResourceGroupRecord | undefined {
    return this.state.resourceGroups[key];
  }

  /** Resource groups of a subscription, in key order. */
  resourceGroups(subscriptionId: string): SortedRange<ResourceGroupRecord> {
    return this.rangeUnder("resourceGroups", `/subscriptions/${keyOf(subscriptionId)}/`);
  }

  /** A user-assigned identity by lowercased id. */
  identity(key: string): IdentityRecord | undefined {
    return this.state.identities[key];
  }

  /** Identities under an id prefix (a subscription or resource group), in key order. */
  identitiesUnder(prefixKey: string): SortedRange<IdentityRecord> {
    return this.rangeUnder("identities", prefixKey);
  }

  /** Keys with a common prefix are contiguous in sorted order: two binary searches find them. */
  private rangeUnder<T>(collection: keyof StoreCollections, prefixKey: string): SortedRange<T> {
    const keys = this.sortedKeys[collection]!.get();
    const start = lowerBound(keys, prefixKey);
    const end = prefixKey === "" ? keys.length : lowerBound(keys, prefixEnd(prefixKey), start);
    const values = this.state[collection] as Record<string, T>;
    return { start, end, keyAt: (i) => keys[i]!, valueAt: (i) => values[keys[i]!]! };
  }

  /** The user-assigned identity with this client id or principal id (any casing). */
  identityByPrincipal(field: PrincipalField, id: string): IdentityRecord | undefined {
    const key = this.principals.identities.find(field, id);
    return key === undefined ? undefined : this.state.identities[key];
  }

  /** A federated credential by lowercased id. */
  fic(key: string): FicRecord | undefined {
    return this.state.fics[key];
  }

  /** Federated credentials of one identity, sorted by key. */
  ficsOf(identityKey: string): Array<[string, FicRecord]> {
    const keys = [...(this.ficIndex.get(identityKey) ?? [])].sort();
    return keys.map((k) => [k, this.state.fics[k]!]);
  }

  /** The system-assigned identity of a lowercased scope. */
  systemAssigned(scopeKey: string): SystemAssignedRecord | undefined {
    return this.state.systemAssigned[scopeKey];
  }

  /** The system-assigned identity with this client id or principal id (any casing). */
  systemAssignedByPrincipal(field: PrincipalField, id: string): SystemAssignedRecord | undefined {
    const key = this.principals.systemAssigned.find(field, id);
    return key === undefined ? undefined : this.state.systemAssigned[key];
  }

  /** Seeded associated resources of an identity. */
  associated(identityKey: string): AssociatedResource[] {
    return this.state.associated[identityKey] ?? [];
  }

  /** When tokens of a principal were last revoked (epoch ms). */
  revokedAt(principalId: string): number | undefined {
    return this.state.revocations[keyOf(principalId)];
  }

  /** Ops that delete an identity with its credentials and associated-resource seeds. */
  deleteIdentityOps(identityKey: string): StoreOp[] {
    const ops: StoreOp[] = this.ficsOf(identityKey).map(([k]) => ({ t: "del", c: "fics", k }) as StoreOp);
    ops.push({ t: "del", c: "associated", k: identityKey }, { t: "del", c: "identities", k: identityKey });
    return ops;
  }

  private rebuildIndex(): void {
    this.ficIndex.clear();
    for (const [k, fic] of Object.entries(this.state.fics)) indexFic(this.ficIndex, k, fic.identityKey);
    for (const [k, identity] of Object.entries(this.state.identities)) this.principals.identities.add(k, identity);
    for (const [k, system] of Object.entries(this.state.systemAssigned)) this.principals.systemAssigned.add(k, system);
  }
}

/** The keys of a range, in order. */
export function keysOf<T>(range: SortedRange<T>): string[] {
  const out: string[] = [];
  for (let i = range.start; i < range.end; i++) out.push(range.keyAt(i));
  return out;
}

/** A range over entries already sorted by key (short lists built per request). */
export function entriesRange<T>(entries: ReadonlyArray<readonly [string, T]>): SortedRange<T> {
  return { start: 0, end: entries.length, keyAt: (i) => entries[i]![0], valueAt: (i) => entries[i]![1] };
}

function indexFic(index: Map<string, Set<string>>, ficKey: string, identityKey: string): void {
  let set = index.get(identityKey);
  if (!set) index.set(identityKey, (set = new Set()));
  set.add(ficKey);
}

/** Applies one op to a state (also used when replaying a journal). */
export function applyOp(state: StoreState, op: StoreOp, ficIndex?: Map<string, Set<string>>): void {
  switch (op.t) {
    case "put":
      (state[op.c] as Record<string, unknown>)[op.k] = op.v;
      if (op.c === "fics" && ficIndex) indexFic(ficIndex, op.k, (op.v as FicRecord).identityKey);
      break;
    case "del": {
      const coll = state[op.c] as Record<string, unknown>;
      if (op.c === "fics" && ficIndex) {
        const fic = coll[op.k] as FicRecord | undefined;
        if (fic) ficIndex.get(fic.identityKey)?.delete(op.k);
      }
      delete coll[op.k];
      break;
    }
    case "meta":
      state.meta = op.v;
      break;
    case "clear": {
      const fresh = emptyState(state.meta);
      Object.assign(state, fresh);
      ficIndex?.clear();
      break;
    }
  }
}
