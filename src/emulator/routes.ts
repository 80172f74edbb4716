/**
 * Matches request paths to the operations of the API version table, so routes, and the versions
 * each operation exists in, come from the specs rather than from hand-written lists.
 */
import { apiVersionList, apiVersionSpecs, type ApiVersion, type OperationSpec } from "../generated/apiVersions.js";

/** One operation path + method, with every version that has it. */
export interface RouteSpec {
  /** `group.operation` as in the version table, e.g. `federatedIdentityCredentials.list`. */
  readonly operation: string;
  readonly method: OperationSpec["method"];
  readonly template: string;
  /** Versions that declare this operation, oldest first. */
  readonly versions: readonly ApiVersion[];
  /** ARM resource type below the provider, e.g. `userAssignedIdentities/federatedIdentityCredentials`. */
  readonly resourceType: string;
  /** True for POST actions such as `revokeTokens`. */
  readonly isAction: boolean;
  /** True when the operation returns pages with `nextLink`s. */
  readonly pageable: boolean;
  readonly segments: readonly string[];
}

/** A matched route with its path parameters (decoded). */
export interface RouteMatch {
  readonly route: RouteSpec;
  readonly params: Readonly<Record<string, string>>;
}

function splitTemplate(template: string): string[] {
  return template.split("/").filter((s) => s.length > 0);
}

function resourceTypeOf(template: string, method: string): { resourceType: string; isAction: boolean } {
  const marker = "/providers/Microsoft.ManagedIdentity/";
  const at = template.lastIndexOf(marker);
  const rest = at >= 0 ? splitTemplate(template.slice(at + marker.length)) : [];
  // `type/{name}/action`: an odd number of segments ending in a literal, called with POST.
  const isAction = method === "POST" && rest.length >= 3 && rest.length % 2 === 1;
  const typeParts = (isAction ? rest.slice(0, -1) : rest).filter((_, i) => i % 2 === 0);
  return { resourceType: typeParts.join("/"), isAction };
}

function buildRoutes(): RouteSpec[] {
  const byKey = new Map<string, { operation: string; method: OperationSpec["method"]; template: string; pageable: boolean; versions: ApiVersion[] }>();
  for (const version of apiVersionList) {
    for (const [group, operations] of Object.entries(apiVersionSpecs[version].groups)) {
      for (const [name, op] of Object.entries(operations)) {
        // Parameter names differ between versions (e.g. `revokeTokenResourceName`), so key on the shape.
        const shape = op.path.replace(/\{[^}]+\}/g, "{}").toLowerCase();
        const key = `${op.method} ${shape}`;
        const entry = byKey.get(key);
        if (entry) entry.versions.push(version);
        else byKey.set(key, { operation: `${group}.${name}`, method: op.method, template: op.path, pageable: op.pageable, versions: [version] });
      }
    }
  }
  return [...byKey.values()].map((e) => ({ ...e, ...resourceTypeOf(e.template, e.method), segments: splitTemplate(e.template) }));
}

/** Every operation route across all API versions. */
export const routes: readonly RouteSpec[] = buildRoutes();

function matchSegments(template: readonly string[], path: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  if (template[0] === "{scope}") {
    // `{scope}` is a whole resource id: everything before the fixed tail.
    const tail = template.slice(1);
    if (path.length <= tail.length) return undefined;
    const scopePart = path.slice(0, path.length - tail.length);
    const rest = matchSegments(tail, path.slice(path.length - tail.length));
    if (!rest) return undefined;
    return { scope: "/" + scopePart.join("/"), ...rest };
  }
  if (template.length !== path.length) return undefined;
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    const p = path[i]!;
    if (t.startsWith("{") && t.endsWith("}")) {
      if (p.length === 0) return undefined;
      params[t.slice(1, -1)] = p;
    } else if (t.toLowerCase() !== p.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}

/** Routes whose path matches (any method). */
export function matchPath(segments: readonly string[]): RouteMatch[] {
  const out: RouteMatch[] = [];
  for (const route of routes) {
    const params = matchSegments(route.segments, segments);
    if (params) out.push({ route, params: normalizeParams(params) });
  }
  return out;
}

/** Gives path parameters stable names whatever a version called them. */
function normalizeParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...params };
  if (params["revokeTokenResourceName"] !== undefined) out["resourceName"] = params["revokeTokenResourceName"];
  return out;
}
