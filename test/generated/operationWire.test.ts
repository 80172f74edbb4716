/**
 * Every operation of every API version's generated client, on the wire: the (version, group,
 * operation) list comes from apiVersionSpecs, the expectations from the hand-written case table.
 */
import { apiVersionList, apiVersionSpecs, type ApiVersion } from "../../src/generated/apiVersions.js";
import { anyClientFor } from "../fixtures/generated/clients.js";
import { OPERATION_CASES } from "../fixtures/generated/operationCases.js";
import { expectExchanges, scriptExchanges, useWireServer } from "./wireHarness.js";

const server = useWireServer();

/** "group.operation" keys of the table for one version, sorted. */
function tableOperations(version: ApiVersion): string[] {
  return Object.entries(apiVersionSpecs[version].groups)
    .flatMap(([group, operations]) => Object.keys(operations).map((operation) => `${group}.${operation}`))
    .sort();
}

/** "group.operation" keys the hand-written cases claim for one version, sorted. */
function caseOperations(version: ApiVersion): string[] {
  return Object.entries(OPERATION_CASES)
    .flatMap(([group, operations]) =>
      Object.entries(operations)
        .filter(([, c]) => c.versions.includes(version))
        .map(([operation]) => `${group}.${operation}`),
    )
    .sort();
}

const exercised = new Map<ApiVersion, Set<string>>(apiVersionList.map((v) => [v, new Set<string>()]));

describe.each([...apiVersionList])("generated client %s", (version) => {
  const operations = tableOperations(version).map((key) => key.split(".") as [string, string]);

  it("has a hand-written case for exactly the operations the table lists", () => {
    expect(caseOperations(version)).toEqual(tableOperations(version));
  });

  it.each(operations)("%s.%s sends the documented request and parses the reply", async (group, operation) => {
    const opCase = OPERATION_CASES[group]?.[operation];
    expect(opCase?.versions).toContain(version);
    const wire = opCase.build(version);

    // The hand-written case must agree with the spec on the shape of the first request.
    const spec = apiVersionSpecs[version].groups[group][operation];
    const first = wire.exchanges[0];
    expect(first.request.method).toBe(spec.method);
    expect(first.request.body !== undefined).toBe(spec.body);
    expect(Object.keys(first.request.query).sort()).toEqual(["api-version", ...spec.query].sort());
    expect(spec.responses).toContain(first.reply.status);
    expect(wire.exchanges.length > 1).toBe(spec.pageable);

    const captured = scriptExchanges(server, wire.exchanges);
    const result = await wire.call(anyClientFor(version));
    expectExchanges(captured, wire.exchanges);
    expect(result).toEqual(wire.expected);
    exercised.get(version)!.add(`${group}.${operation}`);
  });

  it("exercised every operation of the table on the wire", () => {
    expect([...exercised.get(version)!].sort()).toEqual(tableOperations(version));
  });
});
