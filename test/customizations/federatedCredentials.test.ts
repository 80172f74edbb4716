import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { RestError } from "@azure/core-rest-pipeline";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { ManagedServiceIdentityClient } from "../../src/generated/2024-11-30/index";
import { ManagedServiceIdentityClient as PreviewClient } from "../../src/generated/2025-01-31-preview/index";
import {
  DEFAULT_FEDERATED_CREDENTIAL_RETRY_DELAYS_IN_MS,
  FederatedCredentialWriteQueue,
  ensureFederatedIdentityCredential,
} from "../../src/customizations/federatedCredentials";
import { ConcurrentFederatedCredentialWriteError, ResourceConflictError } from "../../src/customizations/errors";
import { ManagedIdentityValidationError } from "../../src/customizations/validation";

const CONCURRENT = "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity";

/** A promise with its resolve/reject exposed, so tests decide when a write finishes. */
function deferred<T = string>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    await Promise.resolve();
  }
  await new Promise((resolve) => setImmediate(resolve));
}

function concurrentWriteError(): RestError {
  return new RestError("Too many Federated Identity Credentials are written concurrently", { code: CONCURRENT, statusCode: 409 });
}

describe("FederatedCredentialWriteQueue", () => {
  it("runs writes on one identity one at a time, in call order", async () => {
    const queue = new FederatedCredentialWriteQueue();
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const results = gates.map((gate, index) =>
      queue.run("rg/id-1", async () => {
        started.push(index);
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        try {
          return await gate.promise;
        } finally {
          running -= 1;
        }
      }),
    );
    await flush();
    expect(started).toEqual([0]);
    gates[2].resolve("third"); // a later write being ready must not let it start early
    await flush();
    expect(started).toEqual([0]);
    gates[0].resolve("first");
    await flush();
    expect(started).toEqual([0, 1]);
    gates[1].resolve("second");
    await flush();
    expect(started).toEqual([0, 1, 2]);
    await expect(Promise.all(results)).resolves.toEqual(["first", "second", "third"]);
    expect(maxRunning).toBe(1);
    expect(queue.activeKeys).toBe(0);
  });

  it("treats identity keys case-insensitively, as ARM names are", async () => {
    const queue = new FederatedCredentialWriteQueue();
    const gate = deferred();
    const started: string[] = [];
    const first = queue.run("RG/Identity", async () => {
      started.push("upper");
      return gate.promise;
    });
    const second = queue.run("rg/identity", async () => {
      started.push("lower");
      return "done";
    });
    await flush();
    expect(started).toEqual(["upper"]);
    gate.resolve("ok");
    await expect(Promise.all([first, second])).resolves.toEqual(["ok", "done"]);
    expect(started).toEqual(["upper", "lower"]);
  });

  it("runs writes on different identities side by side", async () => {
    const queue = new FederatedCredentialWriteQueue();
    const a = deferred();
    const b = deferred();
    const started: string[] = [];
    const runA = queue.run("rg/a", async () => {
      started.push("a");
      return a.promise;
    });
    const runB = queue.run("rg/b", async () => {
      started.push("b");
      return b.promise;
    });
    await flush();
    expect(started.sort()).toEqual(["a", "b"]);
    expect(queue.activeKeys).toBe(2);
    b.resolve("B");
    a.resolve("A");
    await expect(Promise.all([runA, runB])).resolves.toEqual(["A", "B"]);
    expect(queue.activeKeys).toBe(0);
  });

  it("retries a write refused as concurrent (raw RestError and typed error), after the configured delays", async () => {
    const queue = new FederatedCredentialWriteQueue({ retryDelaysInMs: [1, 2] });
    let calls = 0;
    const result = await queue.run("rg/id", async () => {
      calls += 1;
      if (calls === 1) {
        throw concurrentWriteError();
      }
      if (calls === 2) {
        throw new ConcurrentFederatedCredentialWriteError("typed", { code: CONCURRENT, statusCode: 409 });
      }
      return "written";
    });
    expect(result).toBe("written");
    expect(calls).toBe(3);
  });

  it("gives up after maxRetries and rejects with the last error", async () => {
    const queue = new FederatedCredentialWriteQueue({ maxRetries: 2, retryDelaysInMs: [1] });
    let calls = 0;
    const error = concurrentWriteError();
    await expect(
      queue.run("rg/id", async () => {
        calls += 1;
        throw error;
      }),
    ).rejects.toBe(error);
    expect(calls).toBe(3);
  });

  it.each([
    ["another 409", new RestError("conflict", { code: "Conflict", statusCode: 409 })],
    ["a typed conflict of another code", new ResourceConflictError("conflict", { code: "Conflict", statusCode: 409 })],
    ["a 400", new RestError("bad", { code: "BadRequest", statusCode: 400 })],
    ["a plain error", new Error("boom")],
  ])("does not retry %s", async (_label, error) => {
    const queue = new FederatedCredentialWriteQueue({ retryDelaysInMs: [1] });
    let calls = 0;
    await expect(
      queue.run("rg/id", async () => {
        calls += 1;
        throw error;
      }),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it("is not blocked by a failed write", async () => {
    const queue = new FederatedCredentialWriteQueue();
    const gate = deferred();
    const failing = queue.run("rg/id", () => gate.promise);
    const next = queue.run("rg/id", async () => "next ran");
    gate.reject(new Error("first failed"));
    await expect(failing).rejects.toThrow("first failed");
    await expect(next).resolves.toBe("next ran");
    expect(queue.activeKeys).toBe(0);
  });

  it("aborts the wait between retries with an AbortError", async () => {
    // A long delay: the test finishes only because the abort ends the wait.
    const queue = new FederatedCredentialWriteQueue({ retryDelaysInMs: [3_600_000] });
    const controller = new AbortController();
    let calls = 0;
    const firstAttempt = deferred<void>();
    const run = queue.run(
      "rg/id",
      async () => {
        calls += 1;
        firstAttempt.resolve();
        throw concurrentWriteError();
      },
      controller.signal,
    );
    await firstAttempt.promise;
    await flush();
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(calls).toBe(1);
    // The key is free again for the next write.
    await expect(queue.run("rg/id", async () => "after abort")).resolves.toBe("after abort");
  });

  it("aborts a write still waiting its turn without running it, and keeps the order of the others", async () => {
    const queue = new FederatedCredentialWriteQueue();
    const gate = deferred();
    const started: string[] = [];
    const first = queue.run("rg/id", async () => {
      started.push("first");
      return gate.promise;
    });
    const controller = new AbortController();
    const aborted = queue.run(
      "rg/id",
      async () => {
        started.push("aborted");
        return "never";
      },
      controller.signal,
    );
    const third = queue.run("rg/id", async () => {
      started.push("third");
      return "third";
    });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    await flush();
    expect(started).toEqual(["first"]);
    gate.resolve("first");
    await expect(Promise.all([first, third])).resolves.toEqual(["first", "third"]);
    expect(started).toEqual(["first", "third"]);
  });

  it("rejects at once with an already aborted signal", async () => {
    const queue = new FederatedCredentialWriteQueue();
    let calls = 0;
    await expect(queue.run("rg/id", async () => ++calls, AbortSignal.abort())).rejects.toMatchObject({ name: "AbortError" });
    await flush();
    expect(calls).toBe(0);
  });

  it("retries after 20 s by default (what deployment tools wait)", async () => {
    jest.useFakeTimers();
    try {
      expect(DEFAULT_FEDERATED_CREDENTIAL_RETRY_DELAYS_IN_MS).toEqual([20_000, 60_000, 120_000]);
      const queue = new FederatedCredentialWriteQueue();
      let calls = 0;
      const run = queue.run("rg/id", async () => {
        calls += 1;
        if (calls === 1) {
          throw concurrentWriteError();
        }
        return "second try";
      });
      await jest.advanceTimersByTimeAsync(19_999);
      expect(calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      await expect(run).resolves.toBe("second try");
      expect(calls).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it.each([
    [{ maxRetries: -1 }, "maxRetries"],
    [{ maxRetries: 1.5 }, "maxRetries"],
    [{ retryDelaysInMs: [-5] }, "retryDelaysInMs"],
    [{ retryDelaysInMs: [Number.NaN] }, "retryDelaysInMs"],
    [{ maxRetries: 2, retryDelaysInMs: [] }, "retryDelaysInMs"],
  ])("refuses the options %p", (options, parameter) => {
    expect(() => new FederatedCredentialWriteQueue(options)).toThrow(ManagedIdentityValidationError);
    try {
      new FederatedCredentialWriteQueue(options);
    } catch (error) {
      expect((error as ManagedIdentityValidationError).parameter).toBe(parameter);
    }
  });
});

describe("ensureFederatedIdentityCredential through a generated client", () => {
  const endpoint = "https://management.azure.com";
  const subscriptionId = "6a1b0d4e-3f0c-4c8e-9c43-0d3a7c2b1e55";
  const base = `/subscriptions/${subscriptionId}/resourceGroups/rg-1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1/federatedIdentityCredentials`;
  const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
      return { token: "token", expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  const github = "https://token.actions.githubusercontent.com";

  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  function resource(name: string, properties: Record<string, unknown>) {
    return { id: `${base}/${name}`, name, type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", properties };
  }

  /** An identity's credentials served two per page, with a PUT that stores, counting requests. */
  function fakeService(initial: ReturnType<typeof resource>[]) {
    const stored = [...initial];
    const log = { pages: 0, puts: [] as { name: string; body: { properties: Record<string, unknown> } }[] };
    server.use(
      http.get(`${endpoint}${base}`, ({ request }) => {
        log.pages += 1;
        const skip = Number(new URL(request.url).searchParams.get("$skiptoken") ?? "0");
        const value = stored.slice(skip, skip + 2);
        const nextLink = skip + 2 < stored.length ? `${endpoint}${base}?api-version=2024-11-30&$skiptoken=${skip + 2}` : undefined;
        return HttpResponse.json({ value, ...(nextLink ? { nextLink } : {}) });
      }),
      http.put(`${endpoint}${base}/:name`, async ({ request, params }) => {
        const body = (await request.json()) as { properties: Record<string, unknown> };
        const name = String(params.name);
        log.puts.push({ name, body });
        const index = stored.findIndex((r) => r.name.toLowerCase() === name.toLowerCase());
        const created = resource(name, body.properties);
        if (index >= 0) {
          stored[index] = created;
        } else {
          stored.push(created);
        }
        return HttpResponse.json(created, { status: index >= 0 ? 200 : 201 });
      }),
    );
    return { stored, log };
  }

  const others = [
    resource("a-one", { issuer: github, subject: "repo:o/r:ref:refs/heads/one", audiences: ["api://AzureADTokenExchange"] }),
    resource("a-two", { issuer: github, subject: "repo:o/r:ref:refs/heads/two", audiences: ["api://AzureADTokenExchange"] }),
    resource("a-three", { issuer: "https://other.example", subject: "repo:o/r:ref:refs/heads/main", audiences: ["api://AzureADTokenExchange"] }),
  ];

  const client = () => new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint, retryOptions: { maxRetries: 0 } });

  it("returns a credential with the same issuer + subject found on a later page, without writing", async () => {
    const existing = resource("deployed-by-hand", { issuer: github, subject: "repo:o/r:ref:refs/heads/main", audiences: ["api://AzureADTokenExchange"] });
    const { log } = fakeService([...others, existing]);
    const result = await ensureFederatedIdentityCredential(client().federatedIdentityCredentials, "rg-1", "id-1", "gh-main", {
      issuer: github,
      subject: "repo:o/r:ref:refs/heads/main",
    });
    expect(result.created).toBe(false);
    expect(result.updated).toBe(false);
    expect(result.credential.name).toBe("deployed-by-hand");
    expect(result.credential.subject).toBe("repo:o/r:ref:refs/heads/main");
    expect(log.pages).toBe(2);
    expect(log.puts).toEqual([]);
  });

  it("creates the credential when no page holds it, with the default audience", async () => {
    const { log } = fakeService(others);
    const result = await ensureFederatedIdentityCredential(client().federatedIdentityCredentials, "rg-1", "id-1", "gh-main", {
      issuer: github,
      subject: "repo:o/r:ref:refs/heads/main",
    });
    expect(result).toMatchObject({ created: true, updated: false });
    expect(result.credential.name).toBe("gh-main");
    expect(log.pages).toBe(2);
    expect(log.puts).toEqual([
      { name: "gh-main", body: { properties: { issuer: github, subject: "repo:o/r:ref:refs/heads/main", audiences: ["api://AzureADTokenExchange"] } } },
    ]);
  });

  it("is idempotent: a second run writes nothing", async () => {
    const { log } = fakeService(others);
    const ops = client().federatedIdentityCredentials;
    const wanted = { issuer: github, subject: "repo:o/r:environment:prod", audiences: ["api://AzureADTokenExchange"] };
    const first = await ensureFederatedIdentityCredential(ops, "rg-1", "id-1", "gh-prod", wanted);
    const second = await ensureFederatedIdentityCredential(ops, "rg-1", "id-1", "gh-prod", wanted);
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, updated: false });
    expect(second.credential.name).toBe("gh-prod");
    expect(log.puts).toHaveLength(1);
  });

  it("compares subjects exactly: another casing is another subject", async () => {
    const { log } = fakeService(others);
    const result = await ensureFederatedIdentityCredential(client().federatedIdentityCredentials, "rg-1", "id-1", "gh-one-upper", {
      issuer: github,
      subject: "repo:o/r:ref:refs/heads/ONE",
    });
    expect(result.created).toBe(true);
    expect(log.puts).toHaveLength(1);
  });

  it("replaces a credential of the same name that trusts something else (updated: true)", async () => {
    const { log, stored } = fakeService(others);
    const result = await ensureFederatedIdentityCredential(client().federatedIdentityCredentials, "rg-1", "id-1", "A-TWO", {
      issuer: github,
      subject: "repo:o/r:ref:refs/heads/renamed",
    });
    expect(result).toMatchObject({ created: false, updated: true });
    expect(log.puts.map((p) => p.name)).toEqual(["A-TWO"]);
    expect(stored.find((r) => r.name === "A-TWO")?.properties.subject).toBe("repo:o/r:ref:refs/heads/renamed");
  });

  it("inside a queue, concurrent ensures of one trust on one identity write once", async () => {
    const { log } = fakeService(others);
    const ops = client().federatedIdentityCredentials;
    const queue = new FederatedCredentialWriteQueue();
    const wanted = { issuer: github, subject: "repo:o/r:pull_request" };
    const results = await Promise.all([
      ensureFederatedIdentityCredential(ops, "rg-1", "id-1", "gh-pr", wanted, { queue }),
      ensureFederatedIdentityCredential(ops, "rg-1", "id-1", "gh-pr-again", wanted, { queue }),
    ]);
    expect(results.map((r) => r.created)).toEqual([true, false]);
    expect(results[1].credential.name).toBe("gh-pr");
    expect(log.puts).toHaveLength(1);
  });

  it("matches an existing claims expression (2025-01-31-preview)", async () => {
    const expression = { value: "claims['sub'] matches 'repo:o/r:*'", languageVersion: 1 };
    const previewBase = base;
    const matching = resource("flex", { issuer: github, audiences: ["api://AzureADTokenExchange"], claimsMatchingExpression: expression });
    server.use(http.get(`${endpoint}${previewBase}`, () => HttpResponse.json({ value: [...others, matching] })));
    const preview = new PreviewClient(credential, subscriptionId, { endpoint, retryOptions: { maxRetries: 0 } });
    const result = await ensureFederatedIdentityCredential(preview.federatedIdentityCredentials, "rg-1", "id-1", "flex-2", {
      issuer: github,
      claimsMatchingExpression: expression,
    });
    expect(result).toMatchObject({ created: false, updated: false });
    expect(result.credential.name).toBe("flex");
  });

  it("refuses bad input before any request (msw fails unhandled requests)", async () => {
    const ops = client().federatedIdentityCredentials;
    await expect(ensureFederatedIdentityCredential(ops, "rg-1", "id-1", "gh-main", { issuer: "http://insecure.example", subject: "s" })).rejects.toMatchObject({
      name: "ManagedIdentityValidationError",
      parameter: "credential.issuer",
    });
    await expect(ensureFederatedIdentityCredential(ops, "rg-1", "id-1", "x", { issuer: github, subject: "s" })).rejects.toMatchObject({ parameter: "name" });
    await expect(
      ensureFederatedIdentityCredential(ops, "rg-1", "id-1", "gh-main", { issuer: github, subject: "s", audiences: ["a", "b"] }),
    ).rejects.toMatchObject({ parameter: "credential.audiences" });
    await expect(ensureFederatedIdentityCredential(ops, "rg-1", "id-1", "gh-main", null as never)).rejects.toMatchObject({ parameter: "credential" });
  });
});
