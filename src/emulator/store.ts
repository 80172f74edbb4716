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

/** The in-memory store; writes go through {@link Store.commit} so they are journaled first. */
export class Store {
  private state: StoreState;
  private journal?: StoreJournal;
  /** identity key → keys of its federated credentials. */
  private ficIndex = new Map<string, Set<string>>();
  /** Sorted entries per collection, rebuilt only after a write to it (lists stay cheap). */
  private sorted = new Map<keyof StoreCollections, Array<[string, unknown]>>();

  constructor(state: StoreState, journal?: StoreJournal) {
    this.state = state;
    this.journal = journal;
    this.rebuildIndex();
  }

  /** Applies a batch: journal first (fsync), then memory, so an acknowledged write is durable. */
  commit(ops: readonly StoreOp[]): void {
    if (ops.length === 0) return;
    this.journal?.commit(ops);
    for (const op of ops) {
      applyOp(this.state, op, this.ficIndex);
      if (op.t === "put" || op.t === "del") this.sorted.delete(op.c);
      else this.sorted.clear();
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

  /** Every subscription, in id order. */
  subscriptions(): SubscriptionRecord[] {
    return sortedValues(this.state.subscriptions);
  }

  /** A resource group by lowercased id. */
  resourceGroup(key: string): ResourceGroupRecord | undefined {
    return this.state.resourceGroups[key];
  }

  /** Resource groups of a subscription, in id order. */
  resourceGroups(subscriptionId: string): ResourceGroupRecord[] {
    const prefix = `/subscriptions/${keyOf(subscriptionId)}/`;
    return sortedEntries(this.state.resourceGroups)
      .filter(([k]) => k.startsWith(prefix))
      .map(([, v]) => v);
  }

  /** A user-assigned identity by lowercased id. */
  identity(key: string): IdentityRecord | undefined {
    return this.state.identities[key];
  }

  /** Identities under an id prefix (a subscription or resource group), sorted by key. */
  identitiesUnder(prefixKey: string): Array<[string, IdentityRecord]> {
    const entries = this.sortedOf("identities") as Array<[string, IdentityRecord]>;
    // Keys with a common prefix are contiguous in sorted order: find the first, take while they match.
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid]![0] < prefixKey) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < entries.length && entries[end]![0].startsWith(prefixKey)) end++;
    return entries.slice(lo, end);
  }

  private sortedOf(collection: keyof StoreCollections): Array<[string, unknown]> {
    let entries = this.sorted.get(collection);
    if (!entries) this.sorted.set(collection, (entries = sortedEntries(this.state[collection] as Record<string, unknown>)));
    return entries;
  }

  /** Every identity, in key order. */
  allIdentities(): IdentityRecord[] {
    return sortedValues(this.state.identities);
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

  /** Every enabled system-assigned identity. */
  allSystemAssigned(): SystemAssignedRecord[] {
    return sortedValues(this.state.systemAssigned);
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
  }
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

function sortedEntries<T>(record: Record<string, T>): Array<[string, T]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function sortedValues<T>(record: Record<string, T>): T[] {
  return sortedEntries(record).map(([, v]) => v);
}
