/**
 * Service-side input rules (names, bodies, FIC limits), each failing with an ARM error that names
 * the parameter, the value and the rule.
 */
import { ArmError, quote } from "./errors.js";

/** Largest accepted request body (ARM refuses more than 4 MB with 413). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Most federated identity credentials one identity may have. */
export const MAX_FICS_PER_IDENTITY = 20;
/** Longest issuer, subject or audience. */
const MAX_FIC_FIELD_LENGTH = 600;

const IDENTITY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/;
const FIC_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/;
const RESOURCE_GROUP_NAME = /^[-\w.()]{1,90}$/u;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const API_VERSION_FORMAT = /^\d{4}-\d{2}-\d{2}(-[a-zA-Z]+)?$/;

/** Parses a JSON request body; an empty body is `undefined`. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString("utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    // UNCONFIRMED: ARM's usual code for undeserialisable content.
    throw new ArmError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: ${quote((e as Error).message)}.`);
  }
}

/** Requires a JSON object body. */
export function requireObjectBody(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined) {
    throw new ArmError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: the body of ${what} is empty; a JSON object is required.`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ArmError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: the body of ${what} must be a JSON object, got ${quote(body)}.`);
  }
  return body as Record<string, unknown>;
}

function typeError(path: string, value: unknown, expected: string): ArmError {
  return new ArmError(400, "InvalidRequestContent", `The request content was invalid: property '${path}' must be ${expected}, got ${quote(value)}.`, { target: path });
}

/** Reads an optional string property. */
export function optionalString(obj: Record<string, unknown>, name: string, path = name): string | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw typeError(path, v, "a string");
  return v;
}

/** Reads an optional object property. */
export function optionalObject(obj: Record<string, unknown>, name: string, path = name): Record<string, unknown> | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw typeError(path, v, "an object");
  return v as Record<string, unknown>;
}

/** Reads an optional boolean property. */
export function optionalBoolean(obj: Record<string, unknown>, name: string, path = name): boolean | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw typeError(path, v, "a boolean");
  return v;
}

/** Normalises a location the way ARM stores it ("West US" → "westus"). */
export function normalizeLocation(location: string): string {
  const normalized = location.replace(/\s+/g, "").toLowerCase();
  if (!/^[a-z0-9]{1,64}$/.test(normalized)) {
    throw new ArmError(400, "LocationNotAvailableForResourceType", `The provided location ${quote(location)} is not available; a location is letters and digits, e.g. 'westus'.`, { target: "location" });
  }
  return normalized;
}

/** Reads the required `location` of a tracked resource. */
export function requireLocation(body: Record<string, unknown>): string {
  const location = optionalString(body, "location");
  if (location === undefined || location.trim() === "") {
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.", { target: "location" });
  }
  return normalizeLocation(location);
}

/** Validates ARM tags: at most 50, names ≤512, values ≤256, no `<>%&\?/` or control characters in names. */
export function readTags(body: Record<string, unknown>): Record<string, string> | undefined {
  const tags = optionalObject(body, "tags");
  if (tags === undefined) return undefined;
  const entries = Object.entries(tags);
  if (entries.length > 50) {
    throw new ArmError(400, "InvalidTag", `The resource has ${entries.length} tags; at most 50 are allowed.`, { target: "tags" });
  }
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value !== "string") throw typeError(`tags.${name}`, value, "a string");
    // eslint-disable-next-line no-control-regex
    if (name.length === 0 || name.length > 512 || /[<>%&\\?/\u0000-\u001f\u007f]/.test(name)) {
      throw new ArmError(400, "InvalidTagNameCharacters", `The tag name ${quote(name)} is invalid: 1-512 characters, none of '<>%&\\?/' or control characters.`, { target: "tags" });
    }
    if (value.length > 256) {
      throw new ArmError(400, "InvalidTag", `The value of tag ${quote(name)} has ${value.length} characters; at most 256 are allowed.`, { target: `tags.${name}` });
    }
    out[name] = value;
  }
  return out;
}

/** Checks a user-assigned identity name (3-128; letters, digits, '-', '_'; starts with a letter or digit). */
export function validateIdentityName(name: string): void {
  if (!IDENTITY_NAME.test(name)) {
    // UNCONFIRMED: code; the rule is from the Azure resource-name rules.
    throw new ArmError(
      400,
      "InvalidResourceName",
      `The resource name ${quote(name)} is invalid. It must be 3-128 characters long, start with a letter or digit, and contain only letters, digits, hyphens and underscores.`,
      { target: "resourceName" },
    );
  }
}

/** Checks a federated identity credential name against the spec pattern. */
export function validateFicName(name: string): void {
  if (!FIC_NAME.test(name)) {
    throw new ArmError(
      400,
      "InvalidResourceName",
      `The federated identity credential name ${quote(name)} is invalid. It must match '^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$' (3-120 characters, starting with a letter or digit).`,
      { target: "federatedIdentityCredentialResourceName" },
    );
  }
}

/** Checks a resource group name (1-90 characters of letters, digits, '.', '_', '-', '(', ')'; not ending in '.'). */
export function validateResourceGroupName(name: string): void {
  if (!RESOURCE_GROUP_NAME.test(name) || name.endsWith(".")) {
    throw new ArmError(
      400,
      "InvalidResourceGroupName",
      `The resource group name ${quote(name)} is invalid. It must be 1-90 characters of letters, digits, '.', '_', '-', '(' and ')', and must not end with '.'.`,
      { target: "resourceGroupName" },
    );
  }
}

/** Checks a subscription id is a GUID. */
export function validateSubscriptionId(id: string): void {
  if (!GUID.test(id)) {
    throw new ArmError(400, "InvalidSubscriptionId", `The provided subscription identifier ${quote(id)} is malformed or invalid.`, { target: "subscriptionId" });
  }
}

/** True when `value` looks like an api-version (date, optional `-preview`-style suffix). */
export function isWellFormedApiVersion(value: string): boolean {
  return API_VERSION_FORMAT.test(value);
}

/** Reads an optional positive integer query parameter. */
export function readPositiveInt(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    throw new ArmError(400, "InvalidParameter", `The query parameter '${name}' must be an integer of at least 1, got ${quote(raw)}.`, { target: name });
  }
  return Number(raw);
}

/** Federated credential properties after validation. */
export interface FicInput {
  issuer: string;
  subject?: string;
  audiences: string[];
  claimsMatchingExpression?: { value: string; languageVersion: number };
}

/**
 * Validates a federated identity credential body. `allowExpression` is whether the API version
 * has `claimsMatchingExpression` (then subject and expression are exclusive).
 */
export function readFicBody(body: Record<string, unknown>, allowExpression: boolean): FicInput {
  const props = optionalObject(body, "properties");
  if (!props) throw new ArmError(400, "InvalidRequestContent", "The request content was invalid: 'properties' is required.", { target: "properties" });
  const issuer = optionalString(props, "issuer", "properties.issuer");
  if (issuer === undefined || issuer === "") {
    throw new ArmError(400, "BadRequest", "The property 'properties.issuer' is required.", { target: "properties.issuer" });
  }
  checkLength("properties.issuer", issuer);
  let issuerUrl: URL | undefined;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    issuerUrl = undefined;
  }
  // UNCONFIRMED: whether plain http issuers are refused; only non-URLs are refused here.
  if (!issuerUrl || (issuerUrl.protocol !== "https:" && issuerUrl.protocol !== "http:")) {
    throw new ArmError(400, "BadRequest", `The issuer ${quote(issuer)} is not a valid URL; an issuer is an absolute http(s) URL.`, { target: "properties.issuer" });
  }
  const subject = optionalString(props, "subject", "properties.subject");
  if (subject !== undefined) checkLength("properties.subject", subject);
  let expression: FicInput["claimsMatchingExpression"];
  if (allowExpression) {
    const raw = optionalObject(props, "claimsMatchingExpression", "properties.claimsMatchingExpression");
    if (raw) {
      const value = optionalString(raw, "value", "properties.claimsMatchingExpression.value");
      const languageVersion = raw["languageVersion"];
      if (!value) throw new ArmError(400, "BadRequest", "The property 'properties.claimsMatchingExpression.value' is required.", { target: "properties.claimsMatchingExpression.value" });
      if (typeof languageVersion !== "number" || !Number.isInteger(languageVersion) || languageVersion < 1) {
        throw typeError("properties.claimsMatchingExpression.languageVersion", languageVersion, "a positive integer");
      }
      checkLength("properties.claimsMatchingExpression.value", value);
      expression = { value, languageVersion };
    }
    if (subject !== undefined && subject !== "" && expression) {
      throw new ArmError(400, "BadRequest", "Only one of 'properties.subject' and 'properties.claimsMatchingExpression' may be set.", { target: "properties.subject" });
    }
    if ((subject === undefined || subject === "") && !expression) {
      throw new ArmError(400, "BadRequest", "One of 'properties.subject' and 'properties.claimsMatchingExpression' is required.", { target: "properties.subject" });
    }
  } else if (subject === undefined || subject === "") {
    throw new ArmError(400, "BadRequest", "The property 'properties.subject' is required.", { target: "properties.subject" });
  }
  const audiences = props["audiences"];
  if (!Array.isArray(audiences) || audiences.length !== 1) {
    throw new ArmError(400, "BadRequest", `Federated identity credentials must have exactly one audience. Got ${quote(audiences)}.`, { target: "properties.audiences" });
  }
  if (typeof audiences[0] !== "string" || audiences[0] === "") throw typeError("properties.audiences[0]", audiences[0], "a non-empty string");
  checkLength("properties.audiences[0]", audiences[0]);
  for (const [name, value] of [["properties.issuer", issuer], ["properties.subject", subject], ["properties.audiences[0]", audiences[0]]] as const) {
    if (value && value.includes("*")) {
      throw new ArmError(400, "BadRequest", `Wildcards are not allowed in '${name}', got ${quote(value)}.`, { target: name });
    }
  }
  return { issuer, subject: subject || undefined, audiences: [audiences[0]], ...(expression ? { claimsMatchingExpression: expression } : {}) };
}

function checkLength(path: string, value: string): void {
  if (value.length > MAX_FIC_FIELD_LENGTH) {
    throw new ArmError(400, "BadRequest", `The property '${path}' has ${value.length} characters; at most ${MAX_FIC_FIELD_LENGTH} are allowed.`, { target: path });
  }
}
