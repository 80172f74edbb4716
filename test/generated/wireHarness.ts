/**
 * msw plumbing for the wire-level tests: scripts the exchanges one operation call should make,
 * records what the client actually sent, and checks it against the hand-written expectation.
 */
import { http, HttpResponse } from "msw";
import { setupServer, type SetupServer } from "msw/node";
import { ARM, TOKEN } from "../fixtures/generated/wireValues.js";

/**
 * The msw server of one wire test file: listening from the first test, handlers reset after each
 * test, closed after the last; a request no handler expects fails the test.
 */
export function useWireServer(): SetupServer {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** The request a client must send, written out literally in a case. */
export interface ExpectedRequest {
  readonly method: "GET" | "PUT" | "PATCH" | "DELETE" | "POST";
  /** Path exactly as it must appear on the wire (no decoding applied). */
  readonly path: string;
  /** Every query parameter, api-version included; nothing else may be sent. */
  readonly query: { readonly [name: string]: string };
  /** JSON body; absent means the request must have no body. */
  readonly body?: unknown;
  /** Origin the request must go to; ARM unless a case says otherwise. */
  readonly origin?: string;
}

/** What the test server answers. */
export interface Reply {
  readonly status: number;
  /** JSON body; absent means an empty body. */
  readonly body?: unknown;
}

/** One request/response pair of an operation call. */
export interface Exchange {
  readonly request: ExpectedRequest;
  readonly reply: Reply;
}

/** A request as the test server received it. */
export interface CapturedRequest {
  readonly method: string;
  readonly url: URL;
  readonly rawUrl: string;
  readonly headers: Headers;
  readonly bodyText: string;
}

/**
 * Registers one single-use handler per exchange, in order, and returns the list the handlers
 * record into. Anything the script does not expect is left unhandled, which the server turns
 * into an error.
 */
export function scriptExchanges(server: SetupServer, exchanges: readonly Exchange[]): CapturedRequest[] {
  const captured: CapturedRequest[] = [];
  const handlers = exchanges.map(({ request, reply }) => {
    const route = http[request.method.toLowerCase() as "get" | "put" | "patch" | "delete" | "post"];
    return route(
      (request.origin ?? ARM) + request.path,
      async ({ request: received }) => {
        captured.push({
          method: received.method,
          url: new URL(received.url),
          rawUrl: received.url,
          headers: received.headers,
          bodyText: await received.text(),
        });
        return reply.body === undefined
          ? new HttpResponse(null, { status: reply.status })
          : HttpResponse.json(reply.body, { status: reply.status });
      },
      { once: true },
    );
  });
  server.use(...handlers);
  return captured;
}

/** Asserts that the captured requests are exactly the scripted ones, in order. */
export function expectExchanges(captured: readonly CapturedRequest[], exchanges: readonly Exchange[]): void {
  expect(captured.map((c) => `${c.method} ${c.url.pathname}`)).toEqual(
    exchanges.map((e) => `${e.request.method} ${e.request.path}`),
  );
  captured.forEach((c, i) => expectRequest(c, exchanges[i].request));
}

/** Asserts one captured request against its expectation. */
export function expectRequest(c: CapturedRequest, expected: ExpectedRequest): void {
  expect(c.method).toBe(expected.method);
  expect(c.url.origin).toBe(expected.origin ?? ARM);
  expect(c.url.pathname).toBe(expected.path);
  const names = [...c.url.searchParams.keys()];
  expect(new Set(names).size).toBe(names.length);
  expect(Object.fromEntries(c.url.searchParams)).toEqual(expected.query);
  expect(c.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
  if (expected.body === undefined) {
    expect(c.bodyText).toBe("");
  } else {
    expect(c.headers.get("content-type")).toMatch(/^application\/json/);
    expect(JSON.parse(c.bodyText)).toEqual(expected.body);
  }
}

/** Drains a paged iterator, returning every item of every page in order. */
export async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) {
    items.push(item);
  }
  return items;
}
