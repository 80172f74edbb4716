import { AzureLogger, setLogLevel } from "@azure/logger";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { ConcurrentFederatedCredentialWriteError, KnownProfiles, ManagedIdentityValidationError, ManagedServiceIdentityClient } from "../../src/index.js";
import { arm, RecordingCredential, subscriptionId } from "./helpers.js";

const ficPath = `${arm}/subscriptions/${subscriptionId}/resourceGroups/:rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/:identity/federatedIdentityCredentials`;

/** Per identity (lowercased rg/identity): writes in flight now, and the most ever in flight together. */
const inFlight = new Map<string, number>();
let maxPerIdentity = 0;
/** Credentials the fake service holds, per identity. */
const stored = new Map<string, Record<string, unknown>[]>();
/** Writes that reached the service, in arrival order (probe writes excluded). */
const writes: string[] = [];
/** Statuses to answer the next PUTs with before succeeding. */
let conflictsToAnswer = 0;
/** When true, every write (but probes) stays in flight until the test releases it. */
let holdWrites = false;
/** Writes in flight, held, oldest first, each with the function that lets it finish. */
const held: { key: string; release: () => void }[] = [];
/** Wakes whoever waits for the next write to arrive. */
let onArrival: (() => void)[] = [];

/** Identities whose writes only prove that the client has had its chance to send more. */
const isProbe = (identity: string): boolean => identity.startsWith("probe-");

function notifyArrival(): void {
  const waiting = onArrival;
  onArrival = [];
  for (const wake of waiting) wake();
}

/** Resolves once `condition` holds, re-checking it each time a write arrives (no timers). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => onArrival.push(resolve));
}

async function write(rg: string, identity: string, handler: () => Response | Promise<Response>): Promise<Response> {
  const key = `${rg}/${identity}`.toLowerCase();
  const now = (inFlight.get(key) ?? 0) + 1;
  inFlight.set(key, now);
  maxPerIdentity = Math.max(maxPerIdentity, now);
  try {
    if (holdWrites && !isProbe(identity)) {
      await new Promise<void>((release) => {
        held.push({ key, release });
        notifyArrival();
      });
    } else {
      notifyArrival();
    }
    return await handler();
  } finally {
    inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
  }
}

const server = setupServer(
  http.put(`${ficPath}/:name`, async ({ params, request }) => {
    const rg = String(params.rg);
    const identity = String(params.identity);
    const body = (await request.json()) as { properties: Record<string, unknown> };
    if (!isProbe(identity)) writes.push(`${identity}/${String(params.name)}`);
    return write(rg, identity, () => {
      if (conflictsToAnswer > 0) {
        conflictsToAnswer -= 1;
        return HttpResponse.json(
          {
            error: {
              code: "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity",
              message: "Too many Federated Identity Credentials are written concurrently for the managed identity.",
            },
          },
          { status: 409 },
        );
      }
      const credential = { id: `${request.url.split("?")[0]}`, name: String(params.name), properties: body.properties };
      const key = `${rg}/${identity}`.toLowerCase();
      stored.set(key, [...(stored.get(key) ?? []).filter((c) => c.name !== params.name), credential]);
      return HttpResponse.json(credential, { status: 201 });
    });
  }),
  http.put(`${arm}/subscriptions/${subscriptionId}/resourceGroups/:rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/:identity/flexibleFederatedIdentityCredentials/:name`, async ({ params, request }) => {
    writes.push(`${String(params.identity)}/flexible/${String(params.name)}`);
    const body = await request.json();
    return write(String(params.rg), String(params.identity), () => HttpResponse.json({ name: params.name, ...(body as object) }, { status: 201 }));
  }),
  http.delete(`${ficPath}/:name`, ({ params }) => {
    if (!isProbe(String(params.identity))) writes.push(`${String(params.identity)}/${String(params.name)}`);
    return write(String(params.rg), String(params.identity), () => new HttpResponse(null, { status: 204 }));
  }),
  http.get(ficPath, ({ params }) => HttpResponse.json({ value: stored.get(`${String(params.rg)}/${String(params.identity)}`.toLowerCase()) ?? [] })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => {
  inFlight.clear();
  stored.clear();
  writes.length = 0;
  maxPerIdentity = 0;
  conflictsToAnswer = 0;
  holdWrites = false;
  held.length = 0;
});
afterAll(() => server.close());

const credential = (n: number) => ({ issuer: "https://token.actions.githubusercontent.com", subject: `repo:contoso/app:environment:e${n}`, audiences: ["api://AzureADTokenExchange"] });
const newClient = (options = {}) => new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, options);

let probes = 0;

/**
 * Lets the held writes finish one at a time, `total` in all. While one is held, a write on another
 * identity (a probe) is sent and answered: by then the client has had its chance to send any other
 * write it would run in parallel, so exactly one write must have arrived.
 */
async function releaseOneAtATime(
  client: { federatedIdentityCredentials: { delete(rg: string, identity: string, name: string): Promise<unknown> } },
  total: number,
): Promise<void> {
  for (let arrived = 1; arrived <= total; arrived += 1) {
    await until(() => held.length > 0);
    await client.federatedIdentityCredentials.delete("rg", `probe-${(probes += 1)}`, "fic1");
    expect(writes).toHaveLength(arrived);
    expect(held).toHaveLength(1);
    held.shift()!.release();
  }
}

describe("federated identity credential writes go through one queue per client", () => {
  it("two concurrent writes on one identity never overlap on the wire (names differ in case only)", async () => {
    holdWrites = true;
    const client = newClient();
    const done = Promise.all([
      client.federatedIdentityCredentials.createOrUpdate("rg", "id1", "fic1", credential(1)),
      client.federatedIdentityCredentials.createOrUpdate("RG", "ID1", "fic2", credential(2)),
      client.federatedIdentityCredentials.delete("rg", "id1", "fic3"),
    ]);
    await releaseOneAtATime(client, 3);
    await done;
    expect(writes).toEqual(["id1/fic1", "ID1/fic2", "id1/fic3"]);
    expect(maxPerIdentity).toBe(1);
  });

  it("flexible credential writes share the queue of the identity", async () => {
    holdWrites = true;
    const client = new ManagedServiceIdentityClient(new RecordingCredential(), subscriptionId, { profile: KnownProfiles.LatestPreview });
    const done = Promise.all([
      client.flexibleFederatedIdentityCredentials.createOrUpdate("rg", "id1", "flex1", { properties: credential(1) }),
      client.federatedIdentityCredentials.createOrUpdate("rg", "id1", "fic1", credential(1)),
    ]);
    await releaseOneAtATime(client, 2);
    await done;
    expect(writes).toEqual(["id1/flexible/flex1", "id1/fic1"]);
    expect(maxPerIdentity).toBe(1);
  });

  it("writes on two identities are both on the wire at once", async () => {
    holdWrites = true;
    const client = newClient();
    const done = Promise.all([
      client.federatedIdentityCredentials.createOrUpdate("rg", "id1", "fic1", credential(1)),
      client.federatedIdentityCredentials.createOrUpdate("rg", "id2", "fic1", credential(1)),
    ]);
    // Neither is released before both have arrived: a client that ran them one after another would never get here.
    await until(() => held.length === 2);
    expect(held.map((h) => h.key).sort()).toEqual(["rg/id1", "rg/id2"]);
    for (const h of held.splice(0)) h.release();
    await done;
    expect(maxPerIdentity).toBe(1);
  });

  it("retries the concurrent-write conflict with the configured delays, and logs the retry", async () => {
    conflictsToAnswer = 1;
    const logged: string[] = [];
    const original = AzureLogger.log;
    AzureLogger.log = (...args: unknown[]) => logged.push(args.join(" "));
    setLogLevel("warning");
    try {
      const client = newClient({ federatedCredentialRetry: { retryDelaysInMs: [1] } });
      const result = await client.federatedIdentityCredentials.createOrUpdate("rg", "id1", "fic1", credential(1));
      expect(result.name).toBe("fic1");
    } finally {
      AzureLogger.log = original;
      setLogLevel();
    }
    expect(writes).toEqual(["id1/fic1", "id1/fic1"]);
    expect(logged.some((line) => /arm-managed-identity:warning Retrying federatedIdentityCredentials.createOrUpdate on rg\/id1/.test(line))).toBe(true);
  });

  it("surfaces the conflict as its typed error once retries run out", async () => {
    conflictsToAnswer = 2;
    const client = newClient({ federatedCredentialRetry: { maxRetries: 1, retryDelaysInMs: [1] } });
    await expect(client.federatedIdentityCredentials.createOrUpdate("rg", "id1", "fic1", credential(1))).rejects.toBeInstanceOf(
      ConcurrentFederatedCredentialWriteError,
    );
  });
});

describe("federatedIdentityCredentials.ensure", () => {
  it("creates a missing credential with the default audience, then finds it without writing", async () => {
    const client = newClient();
    const first = await client.federatedIdentityCredentials.ensure("rg", "id1", "github", {
      issuer: "https://token.actions.githubusercontent.com",
      subject: "repo:contoso/app:ref:refs/heads/main",
    });
    expect(first.created).toBe(true);
    expect(first.credential.audiences).toEqual(["api://AzureADTokenExchange"]);
    const second = await client.federatedIdentityCredentials.ensure("rg", "id1", "other-name", {
      issuer: "https://token.actions.githubusercontent.com",
      subject: "repo:contoso/app:ref:refs/heads/main",
    });
    expect(second.created).toBe(false);
    expect(second.credential.name).toBe("github");
    expect(writes).toEqual(["id1/github"]);
  });

  it("with validation: false sends names the client-side rules would refuse", async () => {
    const odd = { issuer: "http://issuer.example", subject: "s", audiences: ["api://AzureADTokenExchange"] };
    const strict = await newClient().federatedIdentityCredentials.ensure("rg", "id1", "x", odd).catch((e: unknown) => e);
    expect(strict).toBeInstanceOf(ManagedIdentityValidationError);
    expect(writes).toEqual([]);
    const result = await newClient({ validation: false }).federatedIdentityCredentials.ensure("rg", "id1", "x", odd);
    expect(result.created).toBe(true);
    expect(writes).toEqual(["id1/x"]);
  });

  it("runs in the same queue as the other writes on that identity", async () => {
    holdWrites = true;
    const client = newClient();
    const done = Promise.all([
      client.federatedIdentityCredentials.ensure("rg", "id1", "fic-a1", credential(1)),
      client.federatedIdentityCredentials.createOrUpdate("rg", "id1", "fic-a2", credential(2)),
      client.federatedIdentityCredentials.ensure("rg", "id1", "fic-a3", credential(3)),
    ]);
    await releaseOneAtATime(client, 3);
    await done;
    expect(maxPerIdentity).toBe(1);
    expect(writes).toEqual(["id1/fic-a1", "id1/fic-a2", "id1/fic-a3"]);
  });
});
