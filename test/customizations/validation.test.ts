import { apiVersionList, apiVersionSpecs, type ApiVersion } from "../../src/generated/apiVersions";
import {
  ManagedIdentityValidationError,
  normalizeScope,
  validateFederatedCredential,
  validateFederatedCredentialName,
  validateFederatedCredentialProperties,
  validateIdentity,
  validateIdentityName,
  validateIssuerUrl,
  validateOperationArguments,
  validateResourceGroupName,
  validateScope,
  validateSubscriptionId,
  validateTags,
} from "../../src/customizations/validation";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000aa";
const VM_SCOPE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-1/providers/Microsoft.Compute/virtualMachines/vm1`;
const FIC = { issuer: "https://token.actions.githubusercontent.com", subject: "repo:o/r:ref:refs/heads/main", audiences: ["api://AzureADTokenExchange"] };

/** Runs `action`, expecting a validation error; returns it for further checks. */
function invalid(action: () => void): ManagedIdentityValidationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ManagedIdentityValidationError);
    const e = error as ManagedIdentityValidationError;
    expect(e.name).toBe("ManagedIdentityValidationError");
    expect(e).toBeInstanceOf(Error);
    return e;
  }
  throw new Error("expected a ManagedIdentityValidationError, nothing was thrown");
}

/** Expects a validation error naming parameter, value and rule, with the message built from them. */
function expectInvalid(action: () => void, parameter: string, value: unknown, rule: RegExp): ManagedIdentityValidationError {
  const e = invalid(action);
  expect(e.parameter).toBe(parameter);
  expect(e.value).toEqual(value);
  expect(e.rule).toMatch(rule);
  expect(e.message.startsWith(`Invalid ${parameter} `)).toBe(true);
  expect(e.message.endsWith(`: ${e.rule}`)).toBe(true);
  if (typeof value === "string" && value.length <= 60) {
    expect(e.message).toContain(JSON.stringify(value));
  }
  return e;
}

describe("message format", () => {
  it("names parameter, quoted value and rule", () => {
    const e = invalid(() => validateIdentityName("a"));
    expect(e.message).toBe(
      `Invalid resourceName "a": an identity name must be 3–128 characters of letters, digits, '-' and '_', starting with a letter or digit.`,
    );
  });

  it("cuts values longer than 60 characters with an ellipsis, keeping the whole value on the error", () => {
    const long = "x".repeat(61) + "TAIL";
    const e = invalid(() => validateIdentityName(long + "!"));
    expect(e.message).toContain(`"${"x".repeat(60)}…"`);
    expect(e.message).not.toContain("TAIL");
    expect(e.value).toBe(long + "!");
  });

  it.each([
    [42, "(number) 42"],
    [undefined, "(undefined)"],
    [null, "(null)"],
    [{ a: 1 }, '(object) {"a":1}'],
    [["x"], '(array) ["x"]'],
    [true, "(boolean) true"],
    [10n, "(bigint) 10"],
  ])("names the type of a non-string value %p", (value, shown) => {
    const e = invalid(() => validateResourceGroupName(value));
    expect(e.message).toBe(`Invalid resourceGroupName ${shown}: ${e.rule}`);
  });

  it("describes circular objects without crashing, and truncates long JSON", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(invalid(() => validateScope(circular)).message).toContain("(object) [object Object]");
    const big = { key: "v".repeat(100) };
    const e = invalid(() => validateScope(big));
    expect(e.message).toContain(`(object) ${JSON.stringify(big).slice(0, 60)}…:`);
  });
});

describe("the full message of each rule", () => {
  const EXPRESSION = { value: "x", languageVersion: 1 };
  const { subject: _omitted, ...NO_SUBJECT } = FIC;
  it.each<[string, () => void, string]>([
    ["subscription id", () => validateSubscriptionId("sub"), 'Invalid subscriptionId "sub": a subscription id must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).'],
    [
      "resource group name",
      () => validateResourceGroupName("rg."),
      `Invalid resourceGroupName "rg.": a resource group name must be 1–90 characters of letters, digits (Unicode included), '_', '-', '.', '(' and ')', not ending with '.'.`,
    ],
    [
      "identity name",
      () => validateIdentityName("ab"),
      `Invalid resourceName "ab": an identity name must be 3–128 characters of letters, digits, '-' and '_', starting with a letter or digit.`,
    ],
    [
      "federated credential name",
      () => validateFederatedCredentialName("a.b"),
      `Invalid federatedIdentityCredentialResourceName "a.b": a federated identity credential name must be 3–120 characters of letters, digits, '-' and '_', starting with a letter or digit.`,
    ],
    [
      "scope",
      () => validateScope("/subscriptions/x"),
      `Invalid scope "/subscriptions/x": a scope must be a resource id: /subscriptions/{guid}[/resourceGroups/{name}]/providers/{Namespace}/{type}/{name}[/{type}/{name}…] (or /providers/… for tenant-level resources), with no empty segment, control character, '?' or '#'.`,
    ],
    ["issuer", () => validateIssuerUrl("http://i.example"), 'Invalid issuer "http://i.example": an issuer must be an absolute https URL of at most 600 characters.'],
    [
      "subject",
      () => validateFederatedCredential("2024-11-30", { ...FIC, subject: "" }),
      'Invalid parameters.subject "": a subject must be a non-empty string of at most 600 characters.',
    ],
    [
      "audiences",
      () => validateFederatedCredential("2024-11-30", { ...FIC, audiences: [] }),
      "Invalid parameters.audiences (array) []: audiences must be an array holding exactly one non-empty string of at most 600 characters.",
    ],
    [
      "claims expression",
      () => validateFederatedCredential("2025-01-31-preview", { ...NO_SUBJECT, claimsMatchingExpression: { value: "" } }),
      `Invalid parameters.claimsMatchingExpression (object) {"value":""}: claimsMatchingExpression must be an object with a non-empty string 'value' of at most 600 characters and an integer 'languageVersion' ≥ 1.`,
    ],
    [
      "subject xor claims",
      () => validateFederatedCredential("2025-01-31-preview", { ...FIC, claimsMatchingExpression: EXPRESSION }),
      `Invalid parameters.claimsMatchingExpression (object) {"value":"x","languageVersion":1}: give either subject or claimsMatchingExpression, not both.`,
    ],
    [
      "subject or claims",
      () => validateFederatedCredential("2025-01-31-preview", NO_SUBJECT),
      "Invalid parameters.subject (undefined): either subject or claimsMatchingExpression is required.",
    ],
    [
      "claims in a version without them",
      () => validateFederatedCredential("2024-11-30", { ...FIC, claimsMatchingExpression: EXPRESSION }),
      `Invalid parameters.claimsMatchingExpression (object) {"value":"x","languageVersion":1}: claimsMatchingExpression is not supported by API version 2024-11-30.`,
    ],
    ["tags", () => validateTags("x"), 'Invalid tags "x": tags must be an object of at most 50 string values.'],
    [
      "tag name",
      () => validateTags({ "a/b": "v" }),
      `Invalid tags name "a/b": a tag name must be 1–512 characters without '<', '>', '%', '&', '\\', '?', '/' or control characters.`,
    ],
    ["tag value", () => validateTags({ env: 3 }), 'Invalid tags["env"] (number) 3: a tag value must be a string of at most 256 characters.'],
    ["location", () => validateIdentity("2024-11-30", { location: "" }), 'Invalid parameters.location "": a location must be a non-empty string.'],
    ["body", () => validateIdentity("2024-11-30", null), "Invalid parameters (null): the request body must be an object."],
    [
      "identity property of another version",
      () => validateIdentity("2018-11-30", { location: "eastus", isolationScope: "Regional" }),
      'Invalid parameters.isolationScope "Regional": isolationScope is not supported by API version 2018-11-30.',
    ],
    [
      "options bag",
      () => validateOperationArguments("2024-11-30", "userAssignedIdentities", "get", ["rg", "idn", 5], { subscriptionId: SUBSCRIPTION }),
      "Invalid options (number) 5: the options bag must be an object when given.",
    ],
    [
      "top",
      () => validateOperationArguments("2024-11-30", "federatedIdentityCredentials", "list", ["rg", "idn", { top: 0 }], { subscriptionId: SUBSCRIPTION }),
      "Invalid options.top (number) 0: top must be an integer ≥ 1.",
    ],
    [
      "unknown operation",
      () => validateOperationArguments("2024-11-30", "userAssignedIdentities", "revokeTokens", [], { subscriptionId: SUBSCRIPTION }),
      `Invalid operation "userAssignedIdentities.revokeTokens": API version 2024-11-30 has no operation 'revokeTokens' in group 'userAssignedIdentities'.`,
    ],
  ])("%s", (_rule, action, message) => {
    expect(invalid(action).message).toBe(message);
  });
});

describe("subscription id rule", () => {
  it("requires a GUID", () => {
    expect(() => validateSubscriptionId(SUBSCRIPTION)).not.toThrow();
    expectInvalid(() => validateSubscriptionId("not-a-guid"), "subscriptionId", "not-a-guid", /GUID/);
    expectInvalid(() => validateSubscriptionId(`${SUBSCRIPTION}0`), "subscriptionId", `${SUBSCRIPTION}0`, /GUID/);
  });
});

describe("resource group name rule", () => {
  it.each([["r"], ["my-rg_(1).x"], ["A".repeat(90)], ["rg-café"], ["Ресурсы"], ["リソース"], ["rg-٣"]])("accepts %p", (ok) => {
    expect(() => validateResourceGroupName(ok)).not.toThrow();
  });
  it("accepts Unicode resource group names inside a scope", () => {
    for (const name of ["rg-café", "Ресурсы", "リソース"]) {
      expect(() => validateScope(VM_SCOPE.replace("rg-1", name))).not.toThrow();
    }
  });
  it.each([[""], ["a".repeat(91)], ["rg."], ["rg/1"], ["rg 1"], ["rg#"], ["rg€"], ["rg\u00a0x"]])("refuses %p", (bad) => {
    expectInvalid(() => validateResourceGroupName(bad), "resourceGroupName", bad, /1–90 characters.*not ending with '\.'/);
  });
});

describe("identity name rule", () => {
  it("accepts 3–128 letters, digits, '-' and '_' starting alphanumeric", () => {
    for (const ok of ["abc", "Id_1-x", "9" + "a".repeat(127)]) {
      expect(() => validateIdentityName(ok)).not.toThrow();
    }
  });
  it.each([["ab"], ["a".repeat(129)], ["-abc"], ["_abc"], ["ab.c"], ["ab c"]])("refuses %p", (bad) => {
    expectInvalid(() => validateIdentityName(bad), "resourceName", bad, /3–128 characters/);
  });
  it("uses the parameter name it is given", () => {
    expectInvalid(() => validateIdentityName("x", "identityName"), "identityName", "x", /identity name/);
  });
});

describe("federated credential name rule", () => {
  it("accepts 3–120 characters per the spec pattern", () => {
    expect(() => validateFederatedCredentialName("gh-main_1")).not.toThrow();
    expect(() => validateFederatedCredentialName("a" + "b".repeat(119))).not.toThrow();
  });
  it.each([["ab"], ["a".repeat(121)], ["-abc"], ["a.bc"]])("refuses %p", (bad) => {
    expectInvalid(
      () => validateFederatedCredentialName(bad),
      "federatedIdentityCredentialResourceName",
      bad,
      /3–120 characters/,
    );
  });
});

describe("scope rule", () => {
  it.each([
    [VM_SCOPE],
    [VM_SCOPE.slice(1)],
    [`${VM_SCOPE}/providers/Microsoft.Insights/diagnosticSettings/d1`],
    [`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Web/sites/app/slots/staging`],
    [`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Security/pricings/p`],
    ["/providers/Microsoft.Management/managementGroups/mg1"],
    [`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Insights/scheduledQueryRules/My alert`],
  ])("accepts the resource id %s", (ok) => {
    expect(() => validateScope(ok)).not.toThrow();
  });
  it.each([
    [""],
    ["/"],
    [`/subscriptions/${SUBSCRIPTION}`],
    [`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg`],
    ["/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"],
    [`${VM_SCOPE}/`],
    [VM_SCOPE.replace("/resourceGroups/", "//resourceGroups/")],
    [`${VM_SCOPE}?x=1`],
    [`${VM_SCOPE}#frag`],
    [VM_SCOPE.replace("vm1", "vm\n1")],
    [VM_SCOPE.replace("vm1", "vm\t1")],
    [VM_SCOPE.replace("vm1", "vm\u007f1")],
    [VM_SCOPE.replace("/vm1", "")],
    [VM_SCOPE.replace("Microsoft.Compute", "compute")],
    [`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg./providers/Microsoft.Compute/virtualMachines/vm`],
    ["https://management.azure.com" + VM_SCOPE],
  ])("refuses %p", (bad) => {
    expectInvalid(() => validateScope(bad), "scope", bad, /resource id/);
  });
  it("normalizeScope strips the leading slash the generated getByScope cannot take", () => {
    expect(normalizeScope(VM_SCOPE)).toBe(VM_SCOPE.slice(1));
    expect(normalizeScope(VM_SCOPE.slice(1))).toBe(VM_SCOPE.slice(1));
  });
});

describe("issuer rule", () => {
  it.each([["http://issuer.example"], ["issuer.example/path"], ["/relative"], ["https://"], [`https://x.example/${"p".repeat(600)}`], ["https://a b.example"]])(
    "refuses %p",
    (bad) => {
      expectInvalid(() => validateIssuerUrl(bad), "issuer", bad, /absolute https URL of at most 600/);
    },
  );
  it("refuses a non-string issuer inside a credential, naming the type", () => {
    const e = expectInvalid(() => validateFederatedCredential("2024-11-30", { ...FIC, issuer: 7 }), "parameters.issuer", 7, /https URL/);
    expect(e.message).toContain("(number) 7");
  });
});

describe("subject rule", () => {
  it.each([[""], ["s".repeat(601)], [12]])("refuses %p", (bad) => {
    expectInvalid(() => validateFederatedCredential("2024-11-30", { ...FIC, subject: bad }), "parameters.subject", bad, /at most 600/);
  });
  it("requires a subject in versions without claimsMatchingExpression", () => {
    const { subject: _omitted, ...withoutSubject } = FIC;
    expectInvalid(() => validateFederatedCredential("2023-01-31", withoutSubject), "parameters.subject", undefined, /non-empty string/);
  });
  it("accepts exactly 600 characters", () => {
    expect(() =>
      validateFederatedCredential("2024-11-30", { ...FIC, subject: "s".repeat(600), issuer: `https://i.example/${"p".repeat(582)}` }),
    ).not.toThrow();
  });
});

describe("audiences rule", () => {
  it.each([[[]], [["a", "b"]], [[""]], [[5]], [["a".repeat(601)]], ["api://AzureADTokenExchange"], [undefined]])("refuses %p", (bad) => {
    expectInvalid(
      () => validateFederatedCredential("2024-11-30", { ...FIC, audiences: bad }),
      "parameters.audiences",
      bad,
      /exactly one non-empty string/,
    );
  });
});

describe("subject XOR claimsMatchingExpression rule", () => {
  const expression = { value: "claims['sub'] matches 'repo:o/*'", languageVersion: 1 };
  it("accepts either one in versions whose model has claimsMatchingExpression", () => {
    const { subject: _omitted, ...withoutSubject } = FIC;
    expect(() => validateFederatedCredential("2025-01-31-preview", { ...withoutSubject, claimsMatchingExpression: expression })).not.toThrow();
    expect(() => validateFederatedCredential("2025-05-31-preview", FIC)).not.toThrow();
  });
  it("refuses both", () => {
    expectInvalid(
      () => validateFederatedCredential("2025-05-31-preview", { ...FIC, claimsMatchingExpression: expression }),
      "parameters.claimsMatchingExpression",
      expression,
      /either subject or claimsMatchingExpression, not both/,
    );
  });
  it("refuses neither", () => {
    const { subject: _omitted, ...withoutSubject } = FIC;
    expectInvalid(
      () => validateFederatedCredential("2025-01-31-preview", withoutSubject),
      "parameters.subject",
      undefined,
      /either subject or claimsMatchingExpression is required/,
    );
  });
  it("refuses a claims expression in a version whose model lacks it", () => {
    expectInvalid(
      () => validateFederatedCredential("2024-11-30", { ...FIC, claimsMatchingExpression: expression }),
      "parameters.claimsMatchingExpression",
      expression,
      /not supported by API version 2024-11-30/,
    );
  });
  it.each([[{ value: "", languageVersion: 1 }], [{ value: "x", languageVersion: 0 }], [{ value: "x" }], ["x"]])("refuses the malformed expression %p", (bad) => {
    const { subject: _omitted, ...withoutSubject } = FIC;
    expectInvalid(
      () => validateFederatedCredential("2025-01-31-preview", { ...withoutSubject, claimsMatchingExpression: bad }),
      "parameters.claimsMatchingExpression",
      bad,
      /integer 'languageVersion'/,
    );
  });
  it("refuses a body that is not an object", () => {
    expectInvalid(() => validateFederatedCredential("2024-11-30", null), "parameters", null, /must be an object/);
  });
});

describe("version-independent credential check", () => {
  it("accepts a claims expression or a subject, refuses both, names parameters under 'credential'", () => {
    const expression = { value: "claims['sub'] matches 'repo:o/*'", languageVersion: 1 };
    const { subject: _omitted, ...withoutSubject } = FIC;
    expect(() => validateFederatedCredentialProperties(FIC)).not.toThrow();
    expect(() => validateFederatedCredentialProperties({ ...withoutSubject, claimsMatchingExpression: expression })).not.toThrow();
    expectInvalid(
      () => validateFederatedCredentialProperties({ ...FIC, claimsMatchingExpression: expression }),
      "credential.claimsMatchingExpression",
      expression,
      /not both/,
    );
    expectInvalid(() => validateFederatedCredentialProperties({ ...FIC, issuer: "ftp://x" }), "credential.issuer", "ftp://x", /https/);
  });
});

describe("tags rule", () => {
  it("accepts up to 50 tags of legal names and string values", () => {
    expect(() => validateTags(undefined)).not.toThrow();
    expect(() => validateTags(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v".repeat(256)])))).not.toThrow();
    expect(() => validateTags({ ["n".repeat(512)]: "" })).not.toThrow();
  });
  it("refuses more than 50 tags", () => {
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    expectInvalid(() => validateTags(tags), "tags", tags, /at most 50/);
  });
  it.each([["a<b"], ["a>b"], ["a%b"], ["a&b"], ["a\\b"], ["a?b"], ["a/b"], ["a\u0001b"], [""], ["n".repeat(513)]])("refuses the tag name %p", (name) => {
    expectInvalid(() => validateTags({ [name]: "v" }), "tags name", name, /1–512 characters without/);
  });
  it.each([["v".repeat(257)], [3], [null]])("refuses the tag value %p", (value) => {
    expectInvalid(() => validateTags({ env: value }), 'tags["env"]', value, /string of at most 256/);
  });
  it("refuses tags that are not an object", () => {
    expectInvalid(() => validateTags(["a"]), "tags", ["a"], /object/);
  });
});

describe("identity body rules", () => {
  it("requires a non-empty location on create", () => {
    expect(() => validateIdentity("2024-11-30", { location: "westeurope", tags: { a: "b" } })).not.toThrow();
    expectInvalid(() => validateIdentity("2024-11-30", { tags: {} }), "parameters.location", undefined, /non-empty string/);
    expectInvalid(() => validateIdentity("2024-11-30", { location: "  " }), "parameters.location", "  ", /non-empty string/);
    expectInvalid(() => validateIdentity("2024-11-30", { location: 5 }), "parameters.location", 5, /non-empty string/);
  });
  it("lets update omit the location but checks tags", () => {
    expect(() => validateIdentity("2024-11-30", { tags: { a: "b" } }, { operation: "update" })).not.toThrow();
    expectInvalid(() => validateIdentity("2024-11-30", { tags: { "a/b": "c" } }, { operation: "update" }), "parameters.tags name", "a/b", /tag name/);
  });
  it("refuses properties the version's model lacks, read from the table", () => {
    expect(() => validateIdentity("2024-11-30", { location: "eastus", isolationScope: "Regional" })).not.toThrow();
    expectInvalid(
      () => validateIdentity("2018-11-30", { location: "eastus", isolationScope: "Regional" }),
      "parameters.isolationScope",
      "Regional",
      /not supported by API version 2018-11-30/,
    );
    expect(() => validateIdentity("2026-04-30", { location: "eastus", federationBlocked: true })).not.toThrow();
    expectInvalid(
      () => validateIdentity("2024-11-30", { location: "eastus", federationBlocked: true }),
      "parameters.federationBlocked",
      true,
      /not supported/,
    );
  });
  it("refuses an unknown API version", () => {
    expectInvalid(() => validateIdentity("2099-01-01" as ApiVersion, { location: "x" }), "version", "2099-01-01", /must be one of 2015-08-31-preview/);
  });
});

/** Valid positional arguments for one operation, built from its path template. */
function validArguments(version: ApiVersion, group: string, operation: string): unknown[] {
  const spec = apiVersionSpecs[version].groups[group][operation];
  const values: Record<string, unknown> = {
    resourceGroupName: "rg-1",
    resourceName: "identity-1",
    revokeTokenResourceName: "identity-1",
    federatedIdentityCredentialResourceName: "fic-1",
    scope: normalizeScope(VM_SCOPE),
  };
  const args = [...spec.path.matchAll(/\{([^}]+)\}/g)]
    .map((m) => m[1])
    .filter((name) => name !== "subscriptionId")
    .map((name) => {
      expect(values).toHaveProperty(name);
      return values[name];
    });
  if (spec.body) {
    const model = apiVersionSpecs[version].models;
    if (group === "userAssignedIdentities") {
      args.push({ location: "eastus", tags: { env: "test" } });
    } else if (model.FlexibleFederatedIdentityCredential && group === "flexibleFederatedIdentityCredentials") {
      args.push({ properties: FIC });
    } else {
      args.push(FIC);
    }
  }
  args.push(spec.query.includes("$top") ? { top: 10, ...(spec.query.includes("$skip") ? { skip: 0 } : {}) } : {});
  return args;
}

const everyOperation = apiVersionList.flatMap((version) =>
  Object.entries(apiVersionSpecs[version].groups).flatMap(([group, operations]) =>
    Object.keys(operations).map((operation) => [version, group, operation] as [ApiVersion, string, string]),
  ),
);

describe("validateOperationArguments", () => {
  it("covers every operation of every version", () => {
    expect(everyOperation.length).toBeGreaterThan(100);
  });

  it.each(everyOperation)("%s %s.%s accepts valid arguments", (version, group, operation) => {
    expect(() => validateOperationArguments(version, group, operation, validArguments(version, group, operation), { subscriptionId: SUBSCRIPTION })).not.toThrow();
  });

  it.each(everyOperation.filter(([v, g, o]) => /\{(?!subscriptionId)/.test(apiVersionSpecs[v].groups[g][o].path)))(
    "%s %s.%s checks its first path parameter by its template name",
    (version, group, operation) => {
      const args = validArguments(version, group, operation);
      const first = /\{(?!subscriptionId)([^}]+)\}/.exec(apiVersionSpecs[version].groups[group][operation].path)![1];
      args[0] = "bad name!";
      expectInvalid(() => validateOperationArguments(version, group, operation, args, { subscriptionId: SUBSCRIPTION }), first, "bad name!", /must/);
    },
  );

  it("maps revokeTokenResourceName and federatedIdentityCredentialResourceName to their rules", () => {
    expectInvalid(
      () => validateOperationArguments("2023-07-31-preview", "userAssignedIdentities", "revokeTokens", ["rg", "x"], { subscriptionId: SUBSCRIPTION }),
      "revokeTokenResourceName",
      "x",
      /identity name/,
    );
    expectInvalid(
      () => validateOperationArguments("2024-11-30", "federatedIdentityCredentials", "get", ["rg", "idn", "f.c"], { subscriptionId: SUBSCRIPTION }),
      "federatedIdentityCredentialResourceName",
      "f.c",
      /federated identity credential name/,
    );
  });

  it("checks the client's subscription id where the path has one, and not elsewhere", () => {
    expectInvalid(
      () => validateOperationArguments("2024-11-30", "userAssignedIdentities", "listBySubscription", [], { subscriptionId: "sub" }),
      "subscriptionId",
      "sub",
      /GUID/,
    );
    expectInvalid(() => validateOperationArguments("2024-11-30", "userAssignedIdentities", "listBySubscription", [], {}), "subscriptionId", undefined, /GUID/);
    expect(() => validateOperationArguments("2024-11-30", "operations", "list", [], {})).not.toThrow();
    expect(() => validateOperationArguments("2024-11-30", "systemAssignedIdentities", "getByScope", [VM_SCOPE], {})).not.toThrow();
  });

  it("checks the body by the group's rules, with the version's model", () => {
    expectInvalid(
      () => validateOperationArguments("2024-11-30", "userAssignedIdentities", "createOrUpdate", ["rg", "idn", {}], { subscriptionId: SUBSCRIPTION }),
      "parameters.location",
      undefined,
      /location/,
    );
    expect(() => validateOperationArguments("2024-11-30", "userAssignedIdentities", "update", ["rg", "idn", { tags: {} }], { subscriptionId: SUBSCRIPTION })).not.toThrow();
    expectInvalid(
      () => validateOperationArguments("2024-11-30", "federatedIdentityCredentials", "createOrUpdate", ["rg", "idn", "fic", { ...FIC, audiences: [] }], { subscriptionId: SUBSCRIPTION }),
      "parameters.audiences",
      [],
      /exactly one/,
    );
  });

  it("reads the nested properties of flexible credentials (model not flattened)", () => {
    expectInvalid(
      () =>
        validateOperationArguments("2025-01-31-preview", "flexibleFederatedIdentityCredentials", "createOrUpdate", ["rg", "idn", "fic", { properties: { ...FIC, issuer: "http://x" } }], {
          subscriptionId: SUBSCRIPTION,
        }),
      "parameters.properties.issuer",
      "http://x",
      /https/,
    );
  });

  it.each([[0], [-1], [1.5], ["5"]])("refuses options.top %p", (top) => {
    expectInvalid(
      () => validateOperationArguments("2024-11-30", "federatedIdentityCredentials", "list", ["rg", "idn", { top }], { subscriptionId: SUBSCRIPTION }),
      "options.top",
      top,
      /integer ≥ 1/,
    );
  });

  it("refuses a negative options.skip", () => {
    expectInvalid(
      () => validateOperationArguments("2022-01-31-preview", "userAssignedIdentities", "listAssociatedResources", ["rg", "idn", { skip: -1 }], { subscriptionId: SUBSCRIPTION }),
      "options.skip",
      -1,
      /integer ≥ 0/,
    );
  });

  it("refuses an options bag that is not an object", () => {
    expectInvalid(() => validateOperationArguments("2024-11-30", "userAssignedIdentities", "get", ["rg", "idn", "opts"], { subscriptionId: SUBSCRIPTION }), "options", "opts", /options bag/);
  });

  it("refuses operations the version does not have", () => {
    expectInvalid(
      () => validateOperationArguments("2018-11-30", "federatedIdentityCredentials", "list", ["rg", "idn"], { subscriptionId: SUBSCRIPTION }),
      "operation",
      "federatedIdentityCredentials.list",
      /API version 2018-11-30 has no operation 'list' in group 'federatedIdentityCredentials'/,
    );
    expectInvalid(() => validateOperationArguments("2024-11-30", "userAssignedIdentities", "toString", [], {}), "operation", "userAssignedIdentities.toString", /no operation/);
  });

  it("never throws anything but a validation error, whatever it is given", () => {
    const hostile = Object.defineProperty({}, "location", {
      enumerable: true,
      get() {
        throw new TypeError("boom");
      },
    });
    const inputs: unknown[][] = [
      [],
      [undefined, undefined, undefined, undefined],
      [null, null, null, null, null],
      ["rg", "idn", "fic", hostile],
      ["rg", "idn", hostile],
      ["rg", "idn", "fic", { ...FIC, audiences: hostile }],
      [Symbol("x") as unknown],
      [{ toString: () => "rg" }],
    ];
    for (const [version, group, operation] of everyOperation) {
      for (const args of inputs) {
        try {
          validateOperationArguments(version, group, operation, args, { subscriptionId: SUBSCRIPTION });
        } catch (error) {
          expect(error).toBeInstanceOf(ManagedIdentityValidationError);
        }
      }
    }
    for (const context of [undefined, null, {}] as unknown[]) {
      expect(() => validateOperationArguments("2024-11-30", "userAssignedIdentities", "get", ["rg", "idn"], context as { subscriptionId?: string })).toThrow(
        ManagedIdentityValidationError,
      );
    }
    expect(() => validateOperationArguments("2024-11-30", "userAssignedIdentities", "get", null as unknown as unknown[], { subscriptionId: SUBSCRIPTION })).toThrow(
      ManagedIdentityValidationError,
    );
  });
});
