/**
 * Client-side checks of the arguments of every operation, driven by the generated API version
 * table, so bad input fails before a request is sent, with a message naming the parameter, the
 * value and the rule.
 */
import { apiVersionSpecs, type ApiVersion, type ApiVersionSpec, type OperationSpec } from "../generated/apiVersions.js";

/** Longest part of a value quoted in an error message; the rest is replaced by an ellipsis. */
const SHOWN_VALUE_LENGTH = 60;

/**
 * Thrown when an argument breaks a rule of the service (name format, length, required value…)
 * before any request is sent. One class for every rule: `parameter`, `value` and `rule` say which.
 */
export class ManagedIdentityValidationError extends Error {
  /** The parameter that broke the rule, e.g. `resourceName` or `parameters.issuer`. */
  readonly parameter: string;
  /** The value as given. */
  readonly value: unknown;
  /** The rule, as a sentence. */
  readonly rule: string;

  /**
   * @param parameter - the parameter that broke the rule
   * @param value - the value as given
   * @param rule - the rule, as a sentence
   */
  constructor(parameter: string, value: unknown, rule: string) {
    super(`Invalid ${parameter} ${describeValue(value)}: ${rule}`);
    this.name = "ManagedIdentityValidationError";
    this.parameter = parameter;
    this.value = value;
    this.rule = rule;
  }
}

/**
 * Shows a value in a message: strings quoted, anything else prefixed with its type, long values
 * cut to {@link SHOWN_VALUE_LENGTH} characters with an ellipsis.
 */
function describeValue(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(truncate(value));
  }
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  if (value === undefined || value === null) {
    return `(${type})`;
  }
  let shown: string;
  try {
    shown = typeof value === "bigint" || typeof value === "symbol" || typeof value === "function"
      ? String(value)
      : (JSON.stringify(value) ?? String(value));
  } catch {
    // Circular structures and throwing toJSON methods still need a message.
    shown = Object.prototype.toString.call(value);
  }
  return `(${type}) ${truncate(shown)}`;
}

function truncate(text: string): string {
  return text.length > SHOWN_VALUE_LENGTH ? `${text.slice(0, SHOWN_VALUE_LENGTH)}…` : text;
}

/** Whether a value is an object other than an array (a bag of named values). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a property without tripping over getters that throw. */
function readProperty(target: Record<string, unknown>, key: string): unknown {
  try {
    return target[key];
  } catch {
    return undefined;
  }
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Whether a value is a GUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits in either case). */
export function isGuid(value: unknown): value is string {
  return typeof value === "string" && GUID.test(value);
}
// Resource Manager accepts Unicode letters and digits (.NET Char.IsLetterOrDigit) in resource group names.
const RESOURCE_GROUP = /^[-_.()\p{L}\p{Nd}]{1,90}$/u;
const IDENTITY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/;
// The pattern the specs put on federatedIdentityCredentialResourceName.
const FEDERATED_CREDENTIAL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/;
const PROVIDER_NAMESPACE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/;
const TAG_NAME_FORBIDDEN = /[<>%&\\?/\u0000-\u001f\u007f]/;
const FEDERATED_CREDENTIAL_FIELD_LENGTH = 600;
const MAX_TAGS = 50;

/** Rule texts, kept in one place so messages stay consistent. */
const rules = {
  subscriptionId: "a subscription id must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).",
  resourceGroupName:
    "a resource group name must be 1–90 characters of letters, digits (Unicode included), '_', '-', '.', '(' and ')', not ending with '.'.",
  identityName:
    "an identity name must be 3–128 characters of letters, digits, '-' and '_', starting with a letter or digit.",
  federatedCredentialName:
    "a federated identity credential name must be 3–120 characters of letters, digits, '-' and '_', starting with a letter or digit.",
  scope:
    "a scope must be a resource id: /subscriptions/{guid}[/resourceGroups/{name}]/providers/{Namespace}/{type}/{name}[/{type}/{name}…] (or /providers/… for tenant-level resources), with no empty segment, control character, '?' or '#'.",
  issuer: `an issuer must be an absolute https URL of at most ${FEDERATED_CREDENTIAL_FIELD_LENGTH} characters.`,
  subject: `a subject must be a non-empty string of at most ${FEDERATED_CREDENTIAL_FIELD_LENGTH} characters.`,
  audiences: `audiences must be an array holding exactly one non-empty string of at most ${FEDERATED_CREDENTIAL_FIELD_LENGTH} characters.`,
  claimsMatchingExpression:
    `claimsMatchingExpression must be an object with a non-empty string 'value' of at most ${FEDERATED_CREDENTIAL_FIELD_LENGTH} characters and an integer 'languageVersion' ≥ 1.`,
  subjectXorClaims: "give either subject or claimsMatchingExpression, not both.",
  subjectOrClaims: "either subject or claimsMatchingExpression is required.",
  tags: `tags must be an object of at most ${MAX_TAGS} string values.`,
  tagName: "a tag name must be 1–512 characters without '<', '>', '%', '&', '\\', '?', '/' or control characters.",
  tagValue: "a tag value must be a string of at most 256 characters.",
  location: "a location must be a non-empty string.",
  body: "the request body must be an object.",
  options: "the options bag must be an object when given.",
  top: "top must be an integer ≥ 1.",
  skip: "skip must be an integer ≥ 0.",
  pathParameter: "a path parameter must be a non-empty string.",
} as const;

function requireString(value: unknown, parameter: string, rule: string): string {
  if (typeof value !== "string") {
    throw new ManagedIdentityValidationError(parameter, value, rule);
  }
  return value;
}

/**
 * Checks an Azure subscription id (a GUID).
 * @param subscriptionId - the value to check
 * @param parameter - the name used in the error message
 * @throws {@link ManagedIdentityValidationError} when the value is not a GUID
 */
export function validateSubscriptionId(subscriptionId: unknown, parameter = "subscriptionId"): void {
  if (!GUID.test(requireString(subscriptionId, parameter, rules.subscriptionId))) {
    throw new ManagedIdentityValidationError(parameter, subscriptionId, rules.subscriptionId);
  }
}

/**
 * Checks a resource group name: 1–90 characters of letters and digits (Unicode ones included, as
 * Resource Manager accepts), `_`, `-`, `.`, `(`, `)`, not ending with `.`.
 * @param resourceGroupName - the value to check
 * @param parameter - the name used in the error message
 * @throws {@link ManagedIdentityValidationError} when the name breaks the rule
 */
export function validateResourceGroupName(resourceGroupName: unknown, parameter = "resourceGroupName"): void {
  const name = requireString(resourceGroupName, parameter, rules.resourceGroupName);
  if (!RESOURCE_GROUP.test(name) || name.endsWith(".")) {
    throw new ManagedIdentityValidationError(parameter, resourceGroupName, rules.resourceGroupName);
  }
}

/**
 * Checks a user-assigned identity name: 3–128 characters of letters, digits, `-` and `_`, starting
 * with a letter or digit.
 * @param identityName - the value to check
 * @param parameter - the name used in the error message
 * @throws {@link ManagedIdentityValidationError} when the name breaks the rule
 */
export function validateIdentityName(identityName: unknown, parameter = "resourceName"): void {
  if (!IDENTITY_NAME.test(requireString(identityName, parameter, rules.identityName))) {
    throw new ManagedIdentityValidationError(parameter, identityName, rules.identityName);
  }
}

/**
 * Checks a federated identity credential name: 3–120 characters of letters, digits, `-` and `_`,
 * starting with a letter or digit.
 * @param name - the value to check
 * @param parameter - the name used in the error message
 * @throws {@link ManagedIdentityValidationError} when the name breaks the rule
 */
export function validateFederatedCredentialName(
  name: unknown,
  parameter = "federatedIdentityCredentialResourceName",
): void {
  if (!FEDERATED_CREDENTIAL_NAME.test(requireString(name, parameter, rules.federatedCredentialName))) {
    throw new ManagedIdentityValidationError(parameter, name, rules.federatedCredentialName);
  }
}

/**
 * Checks the scope of a system-assigned identity: the id of the resource that owns it, such as
 * `/subscriptions/{guid}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`. The
 * leading `/` is optional here; the client strips it before calling the generated `getByScope`,
 * which needs the scope without it.
 * @param scope - the value to check
 * @param parameter - the name used in the error message
 * @throws {@link ManagedIdentityValidationError} when the value is not a resource id
 */
export function validateScope(scope: unknown, parameter = "scope"): void {
  const text = requireString(scope, parameter, rules.scope);
  if (!isResourceId(text.startsWith("/") ? text.slice(1) : text)) {
    throw new ManagedIdentityValidationError(parameter, scope, rules.scope);
  }
}

/**
 * Strips the leading `/` of a resource id. The generated clients put `{scope}` after a `/` without
 * encoding it, so `/subscriptions/…` would become `//subscriptions/…`, which URL parsing reads as
 * a host name.
 * @param scope - a resource id, with or without its leading `/`
 * @returns the resource id without leading `/`
 */
export function normalizeScope(scope: string): string {
  return scope.replace(/^\/+/, "");
}

function isResourceId(path: string): boolean {
  // Names may hold spaces (for example scheduled query rules); only what would break the URL is refused.
  if (path.length === 0 || /[\u0000-\u001f\u007f?#]/.test(path)) {
    return false;
  }
  const segments = path.split("/");
  if (segments.some((segment) => segment.length === 0)) {
    return false;
  }
  let index = 0;
  const lower = (i: number): string | undefined => segments[i]?.toLowerCase();
  if (lower(0) === "subscriptions") {
    if (!GUID.test(segments[1] ?? "")) {
      return false;
    }
    index = 2;
    if (lower(index) === "resourcegroups") {
      const group = segments[index + 1] ?? "";
      if (!RESOURCE_GROUP.test(group) || group.endsWith(".")) {
        return false;
      }
      index += 2;
    }
  }
  // A system-assigned identity belongs to a resource, so at least one provider part is needed;
  // extension resources chain further `/providers/{Namespace}/{type}/{name}` parts.
  let providerParts = 0;
  while (index < segments.length) {
    if (lower(index) !== "providers" || !PROVIDER_NAMESPACE.test(segments[index + 1] ?? "")) {
      return false;
    }
    index += 2;
    let pairs = 0;
    while (index < segments.length && lower(index) !== "providers") {
      if (index + 1 >= segments.length) {
        return false;
      }
      index += 2;
      pairs += 1;
    }
    if (pairs === 0) {
      return false;
    }
    providerParts += 1;
  }
  return providerParts > 0;
}

/**
 * Checks resource tags: at most 50; names 1–512 characters without `< > % & \ ? /` or control
 * characters; values strings of at most 256 characters. `undefined` (no tags) passes.
 * @param tags - the value to check
 * @param parameter - the name used in the error message
 * @throws {@link ManagedIdentityValidationError} when a tag breaks a rule
 */
export function validateTags(tags: unknown, parameter = "tags"): void {
  if (tags === undefined) {
    return;
  }
  if (!isPlainObject(tags)) {
    throw new ManagedIdentityValidationError(parameter, tags, rules.tags);
  }
  const names = Object.keys(tags);
  if (names.length > MAX_TAGS) {
    throw new ManagedIdentityValidationError(parameter, tags, rules.tags);
  }
  for (const name of names) {
    if (name.length === 0 || name.length > 512 || TAG_NAME_FORBIDDEN.test(name)) {
      throw new ManagedIdentityValidationError(`${parameter} name`, name, rules.tagName);
    }
    const value = readProperty(tags, name);
    if (typeof value !== "string" || value.length > 256) {
      throw new ManagedIdentityValidationError(`${parameter}[${JSON.stringify(truncate(name))}]`, value, rules.tagValue);
    }
  }
}

/**
 * Checks an issuer URL of a federated identity credential: an absolute `https` URL of at most 600
 * characters. (Whether the service refuses plain `http` issuers is not documented; tokens are only
 * trusted from TLS-protected issuers, so `http` is refused here.)
 * @param issuer - the value to check
 * @param parameter - the name used in the error message
 * @throws {@link ManagedIdentityValidationError} when the value is not such a URL
 */
export function validateIssuerUrl(issuer: unknown, parameter = "issuer"): void {
  const text = requireString(issuer, parameter, rules.issuer);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (text.length > FEDERATED_CREDENTIAL_FIELD_LENGTH || url?.protocol !== "https:" || url.hostname.length === 0 || /\s/.test(text)) {
    throw new ManagedIdentityValidationError(parameter, issuer, rules.issuer);
  }
}

/** Whether a model, through its `ref`s and `allOf` parents (flattened `properties` included), has the property. */
function modelHasProperty(spec: ApiVersionSpec, model: string, property: string): boolean {
  const seen = new Set<string>();
  const visit = (name: string): boolean => {
    const definition = spec.models[name];
    if (!definition || seen.has(name)) {
      return false;
    }
    seen.add(name);
    if (property in definition.properties) {
      return true;
    }
    const nested = Object.values(definition.properties).some((p) => p.ref !== undefined && visit(p.ref));
    return nested || (definition.allOf ?? []).some(visit);
  };
  return visit(model);
}

function specOf(version: unknown): ApiVersionSpec {
  const spec = typeof version === "string" && Object.prototype.hasOwnProperty.call(apiVersionSpecs, version)
    ? apiVersionSpecs[version as ApiVersion]
    : undefined;
  if (!spec) {
    throw new ManagedIdentityValidationError(
      "version",
      version,
      `the API version must be one of ${Object.keys(apiVersionSpecs).join(", ")}.`,
    );
  }
  return spec;
}

/**
 * Checks the properties of a federated identity credential as the given API version accepts them:
 * issuer an absolute https URL (≤600), exactly one audience (≤600), and a subject (≤600) — or,
 * in versions whose model has `claimsMatchingExpression`, either a subject or a claims expression,
 * never both.
 * @param version - the API version the body is sent with
 * @param body - the flattened credential (`{ issuer, subject, audiences, claimsMatchingExpression }`)
 * @param parameter - the name used in error messages
 * @throws {@link ManagedIdentityValidationError} when a property breaks a rule
 */
export function validateFederatedCredential(version: ApiVersion, body: unknown, parameter = "parameters"): void {
  const spec = specOf(version);
  const claimsSupported = modelHasProperty(spec, "FederatedIdentityCredential", "claimsMatchingExpression");
  checkFederatedCredentialProperties(body, parameter, claimsSupported ? "allowed" : `not supported by API version ${version}`);
}

/**
 * Checks a federated identity credential without an API version at hand: as
 * {@link validateFederatedCredential}, with `claimsMatchingExpression` accepted in place of
 * `subject` (whether the version in use supports it is left to the service or to
 * {@link validateFederatedCredential}).
 * @param body - the flattened credential (`{ issuer, subject, audiences, claimsMatchingExpression }`)
 * @param parameter - the name used in error messages
 * @throws {@link ManagedIdentityValidationError} when a property breaks a rule
 */
export function validateFederatedCredentialProperties(body: unknown, parameter = "credential"): void {
  checkFederatedCredentialProperties(body, parameter, "allowed");
}

/** The credential rules; `claims` is "allowed" or the reason a claims expression is refused. */
function checkFederatedCredentialProperties(body: unknown, parameter: string, claims: string): void {
  if (!isPlainObject(body)) {
    throw new ManagedIdentityValidationError(parameter, body, rules.body);
  }
  validateIssuerUrl(readProperty(body, "issuer"), `${parameter}.issuer`);
  const audiences = readProperty(body, "audiences");
  if (
    !Array.isArray(audiences) ||
    audiences.length !== 1 ||
    typeof audiences[0] !== "string" ||
    audiences[0].length === 0 ||
    audiences[0].length > FEDERATED_CREDENTIAL_FIELD_LENGTH
  ) {
    throw new ManagedIdentityValidationError(`${parameter}.audiences`, audiences, rules.audiences);
  }
  const subject = readProperty(body, "subject");
  const expression = readProperty(body, "claimsMatchingExpression");
  if (expression !== undefined && claims !== "allowed") {
    throw new ManagedIdentityValidationError(`${parameter}.claimsMatchingExpression`, expression, `claimsMatchingExpression is ${claims}.`);
  }
  if (subject !== undefined && expression !== undefined) {
    throw new ManagedIdentityValidationError(`${parameter}.claimsMatchingExpression`, expression, rules.subjectXorClaims);
  }
  if (expression !== undefined) {
    const value = isPlainObject(expression) ? readProperty(expression, "value") : undefined;
    const languageVersion = isPlainObject(expression) ? readProperty(expression, "languageVersion") : undefined;
    if (
      typeof value !== "string" ||
      value.length === 0 ||
      value.length > FEDERATED_CREDENTIAL_FIELD_LENGTH ||
      !Number.isInteger(languageVersion) ||
      (languageVersion as number) < 1
    ) {
      throw new ManagedIdentityValidationError(`${parameter}.claimsMatchingExpression`, expression, rules.claimsMatchingExpression);
    }
    return;
  }
  if (subject === undefined && claims === "allowed") {
    throw new ManagedIdentityValidationError(`${parameter}.subject`, subject, rules.subjectOrClaims);
  }
  const text = requireString(subject, `${parameter}.subject`, rules.subject);
  if (text.length === 0 || text.length > FEDERATED_CREDENTIAL_FIELD_LENGTH) {
    throw new ManagedIdentityValidationError(`${parameter}.subject`, subject, rules.subject);
  }
}

/** Options of {@link validateIdentity}. */
export interface ValidateIdentityOptions {
  /** `createOrUpdate` (PUT: location required, the default) or `update` (PATCH: location optional). */
  operation?: "createOrUpdate" | "update";
}

/**
 * Checks a user-assigned identity body: `location` a non-empty string (required on create, optional
 * on update), tags as {@link validateTags}, and no property that the API version's model lacks
 * (such as `isolationScope` before it existed), which the generated serializer would drop silently.
 * @param version - the API version the body is sent with
 * @param body - the identity (`{ location, tags, isolationScope, … }`)
 * @param options - which operation the body is for
 * @param parameter - the name used in error messages
 * @throws {@link ManagedIdentityValidationError} when a property breaks a rule
 */
export function validateIdentity(
  version: ApiVersion,
  body: unknown,
  options: ValidateIdentityOptions = {},
  parameter = "parameters",
): void {
  const spec = specOf(version);
  if (!isPlainObject(body)) {
    throw new ManagedIdentityValidationError(parameter, body, rules.body);
  }
  const location = readProperty(body, "location");
  if (location !== undefined || options?.operation !== "update") {
    if (typeof location !== "string" || location.trim().length === 0) {
      throw new ManagedIdentityValidationError(`${parameter}.location`, location, rules.location);
    }
  }
  validateTags(readProperty(body, "tags"), `${parameter}.tags`);
  for (const property of versionedIdentityProperties()) {
    if (readProperty(body, property) !== undefined && !modelHasProperty(spec, "Identity", property)) {
      throw new ManagedIdentityValidationError(
        `${parameter}.${property}`,
        readProperty(body, property),
        `${property} is not supported by API version ${version}.`,
      );
    }
  }
}

let identityPropertiesOfSomeVersions: string[] | undefined;

/** Writable identity properties that some API versions have and others lack, read from the table. */
function versionedIdentityProperties(): string[] {
  if (!identityPropertiesOfSomeVersions) {
    const specs = Object.values(apiVersionSpecs);
    const candidates = new Set<string>();
    for (const spec of specs) {
      for (const model of Object.values(spec.models)) {
        for (const [name, property] of Object.entries(model.properties)) {
          if (!property.readOnly && name !== "properties") {
            candidates.add(name);
          }
        }
      }
    }
    identityPropertiesOfSomeVersions = [...candidates].filter((name) => {
      const having = specs.filter((spec) => modelHasProperty(spec, "Identity", name)).length;
      return having > 0 && having < specs.length;
    });
  }
  return identityPropertiesOfSomeVersions;
}

type BodyCheck = (version: ApiVersion, body: unknown, operation: string, parameter: string) => void;

/** How the body of each operation group is checked; groups not listed only need an object body. */
const bodyChecks: { readonly [group: string]: { readonly model: string; readonly check: BodyCheck } } = {
  userAssignedIdentities: {
    model: "Identity",
    check: (version, body, operation, parameter) =>
      validateIdentity(version, body, { operation: operation === "update" ? "update" : "createOrUpdate" }, parameter),
  },
  federatedIdentityCredentials: {
    model: "FederatedIdentityCredential",
    check: (version, body, _operation, parameter) => validateFederatedCredential(version, body, parameter),
  },
  flexibleFederatedIdentityCredentials: {
    model: "FlexibleFederatedIdentityCredential",
    check: (version, body, _operation, parameter) => validateFederatedCredential(version, body, parameter),
  },
};

type ParameterCheck = (value: unknown, parameter: string) => void;

/** The rule of each path parameter, by its name in the path templates. */
const pathParameterChecks: { readonly [name: string]: ParameterCheck } = {
  subscriptionId: validateSubscriptionId,
  resourceGroupName: validateResourceGroupName,
  resourceName: validateIdentityName,
  revokeTokenResourceName: validateIdentityName,
  federatedIdentityCredentialResourceName: validateFederatedCredentialName,
  scope: validateScope,
};

function validateNonEmptyPathParameter(value: unknown, parameter: string): void {
  if (requireString(value, parameter, rules.pathParameter).length === 0) {
    throw new ManagedIdentityValidationError(parameter, value, rules.pathParameter);
  }
}

/** Options-bag entries with a rule, by property name. */
const optionChecks: { readonly [name: string]: ParameterCheck } = {
  top: (value, parameter) => {
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new ManagedIdentityValidationError(parameter, value, rules.top);
    }
  },
  skip: (value, parameter) => {
    if (!Number.isInteger(value) || (value as number) < 0) {
      throw new ManagedIdentityValidationError(parameter, value, rules.skip);
    }
  },
};

/** The last subscription id that passed {@link validateSubscriptionId} in {@link validateOperationArguments}. */
let lastValidSubscriptionId: string | undefined;

/** Path parameters of one operation, in template order, with their checks. */
const pathParameterPlans = new WeakMap<OperationSpec, ReadonlyArray<{ name: string; check: ParameterCheck }>>();

/**
 * The path parameters of an operation and their checks, read from its path template once: matching
 * the template on every call was most of the validation's cost per request.
 */
function pathParameterPlan(operationSpec: OperationSpec): ReadonlyArray<{ name: string; check: ParameterCheck }> {
  let plan = pathParameterPlans.get(operationSpec);
  if (!plan) {
    plan = [...operationSpec.path.matchAll(/\{([^}]+)\}/g)].map((match) => {
      const name = match[1]!;
      const check = Object.prototype.hasOwnProperty.call(pathParameterChecks, name) ? pathParameterChecks[name]! : validateNonEmptyPathParameter;
      return { name, check };
    });
    pathParameterPlans.set(operationSpec, plan);
  }
  return plan;
}

/**
 * Checks the arguments of one generated operation before it is called. Table-driven: the path
 * parameters are read from the operation's path template in {@link apiVersionSpecs}.
 * @param version - the API version whose generated client is called
 * @param group - the operation group, e.g. `federatedIdentityCredentials`
 * @param operation - the operation, e.g. `createOrUpdate`
 * @param args - the positional arguments exactly as passed to the generated method: path parameters
 *   in path-template order without `subscriptionId`, then the body when the operation has one, then
 *   the options bag
 * @param context - the client's `subscriptionId`, checked when the path template has one
 * @throws {@link ManagedIdentityValidationError} when an argument breaks a rule (never anything else)
 */
export function validateOperationArguments(
  version: ApiVersion,
  group: string,
  operation: string,
  args: readonly unknown[],
  context: { subscriptionId?: string },
): void {
  const spec = specOf(version);
  const operations = Object.prototype.hasOwnProperty.call(spec.groups, group) ? spec.groups[group] : undefined;
  const operationSpec = operations && Object.prototype.hasOwnProperty.call(operations, operation) ? operations[operation] : undefined;
  if (!operationSpec) {
    throw new ManagedIdentityValidationError(
      "operation",
      `${group}.${operation}`,
      `API version ${version} has no operation '${operation}' in group '${group}'.`,
    );
  }
  const list = Array.isArray(args) ? args : [];
  let position = 0;
  for (const { name, check } of pathParameterPlan(operationSpec)) {
    if (name === "subscriptionId") {
      // A client calls with the same subscription every time: check a given string once.
      const subscriptionId = context?.subscriptionId;
      if (subscriptionId === undefined || subscriptionId !== lastValidSubscriptionId) {
        check(subscriptionId, name);
        lastValidSubscriptionId = subscriptionId as string;
      }
      continue;
    }
    check(list[position], name);
    position += 1;
  }
  if (operationSpec.body) {
    const body = list[position];
    position += 1;
    const bodyCheck = Object.prototype.hasOwnProperty.call(bodyChecks, group) ? bodyChecks[group] : undefined;
    if (!bodyCheck) {
      if (!isPlainObject(body)) {
        throw new ManagedIdentityValidationError("parameters", body, rules.body);
      }
    } else {
      // A model whose `properties` is not flattened (flexible credentials) nests the checked fields.
      const nested = spec.models[bodyCheck.model]?.properties["properties"];
      const unwrapped = nested && nested.flatten !== true && isPlainObject(body) ? readProperty(body, "properties") : body;
      bodyCheck.check(version, unwrapped, operation, nested && nested.flatten !== true ? "parameters.properties" : "parameters");
    }
  }
  const options = list[position];
  if (options === undefined) {
    return;
  }
  if (!isPlainObject(options)) {
    throw new ManagedIdentityValidationError("options", options, rules.options);
  }
  for (const [name, check] of Object.entries(optionChecks)) {
    const value = readProperty(options, name);
    if (value !== undefined) {
      check(value, `options.${name}`);
    }
  }
}
