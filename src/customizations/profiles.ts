/**
 * API profiles: which API version each operation group uses. Resolution is driven by the generated
 * version table (`apiVersionList`, `apiVersionSpecs`), at run time and at the type level alike.
 */
import type { ServiceClient } from "@azure/core-client";
import { apiVersionList, apiVersionSpecs } from "../generated/apiVersions.js";
import type { ApiVersion, GeneratedModules } from "../generated/apiVersions.js";
import { ManagedIdentityValidationError } from "./validation.js";

/** The generated client class instance of one API version. */
export type GeneratedClientOf<V extends ApiVersion> = InstanceType<GeneratedModules[V]["ManagedServiceIdentityClient"]>;

/** Names of the operation groups the generated client of version `V` has. */
export type OperationGroupsOf<V extends ApiVersion> = Exclude<
  keyof GeneratedClientOf<V>,
  keyof ServiceClient | "$host" | "apiVersion" | "subscriptionId"
>;

/** Every operation group name of any API version. */
export type OperationGroupName = { [V in ApiVersion]: OperationGroupsOf<V> }[ApiVersion];

/** The API version each operation group resolved to; `undefined` marks a group the client does not offer. */
export type GroupVersions = { readonly [G in OperationGroupName]: ApiVersion | undefined };

/** Names of the built-in profiles. */
export const KnownProfiles = {
  /** Newest stable API version that has each operation group (the default). */
  Latest: "Latest",
  /** Newest API version, preview or stable, that has each operation group. */
  LatestPreview: "LatestPreview",
} as const;

/** Name of a built-in profile: `"Latest"` or `"LatestPreview"`. */
export type KnownProfile = (typeof KnownProfiles)[keyof typeof KnownProfiles];

/**
 * A user-defined profile: one API version for every group (`default`), with per-group pins.
 * Groups neither pinned nor covered by `default` follow {@link KnownProfiles.Latest}; a group that
 * `default` does not have is absent from the client.
 *
 * @example `{ default: "2024-11-30", userAssignedIdentities: "2022-01-31-preview" }`
 */
export type ApiProfile = { readonly default?: ApiVersion } & { readonly [G in OperationGroupName]?: VersionsHaving<G> };

/** The API versions whose generated client has operation group `G`: what a profile may pin `G` to. */
export type VersionsHaving<G extends OperationGroupName> = { [V in ApiVersion]: G extends OperationGroupsOf<V> ? V : never }[ApiVersion];

type Reverse<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R] ? [...Reverse<R>, H] : [];
type NewestFirst = Reverse<typeof apiVersionList>;
type NewestWith<L, G, StableOnly extends boolean> = L extends readonly [infer H extends ApiVersion, ...infer R]
  ? G extends OperationGroupsOf<H>
    ? StableOnly extends true
      ? H extends `${string}-preview`
        ? NewestWith<R, G, StableOnly>
        : H
      : H
    : NewestWith<R, G, StableOnly>
  : undefined;

/** `V` when that version has group `G`, otherwise `undefined` (distributes over a union of versions). */
export type VersionIfHasGroup<V, G> = V extends ApiVersion ? (G extends OperationGroupsOf<V> ? V : undefined) : never;

/** Group versions of {@link KnownProfiles.Latest}, computed from the generated clients. */
export type LatestProfileVersions = { readonly [G in OperationGroupName]: NewestWith<NewestFirst, G, true> };

/** Group versions of {@link KnownProfiles.LatestPreview}, computed from the generated clients. */
export type LatestPreviewProfileVersions = { readonly [G in OperationGroupName]: NewestWith<NewestFirst, G, false> };

/** Group versions of a profile (built-in name or {@link ApiProfile}). */
export type ProfileVersions<P> = P extends "Latest"
  ? LatestProfileVersions
  : P extends "LatestPreview"
    ? LatestPreviewProfileVersions
    : P extends ApiProfile
      ? {
          readonly [G in OperationGroupName]: P[G] extends ApiVersion
            ? VersionIfHasGroup<P[G], G>
            : P["default"] extends ApiVersion
              ? VersionIfHasGroup<P["default"], G>
              : LatestProfileVersions[G];
        }
      : LatestProfileVersions;

type ApiVersionOption<O> = "apiVersion" extends keyof O ? Extract<O["apiVersion" & keyof O], ApiVersion> : never;
type ProfileOption<O> = "profile" extends keyof O ? Exclude<O["profile" & keyof O], undefined> : never;
type Widen<R, L> = { readonly [G in OperationGroupName]: G extends keyof R ? R[G] | (G extends keyof L ? L[G] : never) : never };

/**
 * Group versions selected by client options: `apiVersion`, else `profile`, else Latest. When the
 * options are not literal (an `apiVersion` that may be unset or one of several versions), a group
 * is kept only if every possible choice has it.
 */
export type ResolvedGroupVersions<O> = [ApiVersionOption<O>] extends [never]
  ? [ProfileOption<O>] extends [never]
    ? LatestProfileVersions
    : undefined extends O["profile" & keyof O]
      ? Widen<ProfileVersions<ProfileOption<O>>, LatestProfileVersions>
      : ProfileVersions<ProfileOption<O>>
  : undefined extends O["apiVersion" & keyof O]
    ? Widen<
        { readonly [G in OperationGroupName]: VersionIfHasGroup<ApiVersionOption<O>, G> },
        [ProfileOption<O>] extends [never] ? LatestProfileVersions : ProfileVersions<ProfileOption<O>>
      >
    : { readonly [G in OperationGroupName]: VersionIfHasGroup<ApiVersionOption<O>, G> };

/** Every operation group name found in the version table. */
export const operationGroupNames: readonly OperationGroupName[] = [
  ...new Set(apiVersionList.flatMap((v) => Object.keys(apiVersionSpecs[v].groups))),
] as OperationGroupName[];

/** API versions whose spec has group `group` (and operation `operation`, if given), oldest first. */
export function versionsWith(group: string, operation?: string): ApiVersion[] {
  return apiVersionList.filter((v) => {
    const ops = apiVersionSpecs[v].groups[group];
    return ops !== undefined && (operation === undefined || Object.prototype.hasOwnProperty.call(ops, operation));
  });
}

function isApiVersion(value: unknown): value is ApiVersion {
  return typeof value === "string" && (apiVersionList as readonly string[]).includes(value);
}

function newestWith(group: string, stableOnly: boolean): ApiVersion | undefined {
  return versionsWith(group)
    .reverse()
    .find((v) => !stableOnly || apiVersionSpecs[v].stability === "stable");
}

function builtIn(name: KnownProfile): GroupVersions {
  const stableOnly = name === KnownProfiles.Latest;
  return Object.fromEntries(operationGroupNames.map((g) => [g, newestWith(g, stableOnly)])) as GroupVersions;
}

function checkVersion(option: string, value: unknown): ApiVersion {
  if (!isApiVersion(value)) {
    throw new ManagedIdentityValidationError(`options.${option}`, value, `an API version must be one of ${apiVersionList.join(", ")}.`);
  }
  return value;
}

/** Profile-related client options, as {@link resolveGroupVersions} reads them. */
export interface ProfileOptions {
  /** One API version for every operation group. Mutually exclusive with `profile`. */
  apiVersion?: ApiVersion;
  /** A built-in profile name or an {@link ApiProfile}. Mutually exclusive with `apiVersion`. */
  profile?: KnownProfile | ApiProfile;
}

/** How the API version of one operation group was chosen, for error messages. */
export interface GroupVersionChoice {
  /** The version the group resolved to; `undefined` when the client lacks the group. */
  readonly version: ApiVersion | undefined;
  /** The version the options asked for (by `apiVersion`, a pin or `profile.default`), if any. */
  readonly asked?: ApiVersion;
  /** Which option decided, in words: `option "apiVersion"`, `profile Latest`, `pinned by profile.<group>`… */
  readonly from: string;
}

/**
 * Resolves the API version of every operation group from `apiVersion` or `profile` (default:
 * {@link KnownProfiles.Latest}), with how each was chosen. Throws a
 * {@link ManagedIdentityValidationError} for both options at once, an unknown version or profile,
 * an unknown group name, or a pin to a version that lacks the pinned group.
 */
export function resolveGroupChoices(options: ProfileOptions): { readonly [G in OperationGroupName]: GroupVersionChoice } {
  const { apiVersion, profile } = options;
  const each = (choose: (g: OperationGroupName) => GroupVersionChoice) =>
    Object.fromEntries(operationGroupNames.map((g) => [g, choose(g)])) as { [G in OperationGroupName]: GroupVersionChoice };
  if (apiVersion !== undefined && profile !== undefined) {
    throw new ManagedIdentityValidationError(
      "options.profile",
      profile,
      `"apiVersion" (here ${JSON.stringify(apiVersion)}) and "profile" are mutually exclusive: use "apiVersion" for one version everywhere, or "profile" for per-group versions.`,
    );
  }
  if (apiVersion !== undefined) {
    const v = checkVersion("apiVersion", apiVersion);
    return each((g) => ({ version: apiVersionSpecs[v].groups[g] ? v : undefined, asked: v, from: `option "apiVersion"` }));
  }
  if (profile === undefined || typeof profile === "string") {
    const name = profile ?? KnownProfiles.Latest;
    if (name !== KnownProfiles.Latest && name !== KnownProfiles.LatestPreview) {
      throw new ManagedIdentityValidationError(
        "options.profile",
        profile,
        `a profile must be one of ${Object.values(KnownProfiles).join(", ")}, or an object such as { default: "2024-11-30", userAssignedIdentities: "2022-01-31-preview" }.`,
      );
    }
    const versions = builtIn(name);
    return each((g) => ({ version: versions[g], from: `profile ${name}` }));
  }
  if (typeof profile !== "object" || profile === null || Array.isArray(profile)) {
    throw new ManagedIdentityValidationError("options.profile", profile, "a profile must be a profile name or an object of per-group API versions.");
  }
  const latest = builtIn(KnownProfiles.Latest);
  const entries = Object.entries(profile as Record<string, unknown>);
  for (const [key, value] of entries) {
    if (key !== "default" && !(operationGroupNames as readonly string[]).includes(key)) {
      throw new ManagedIdentityValidationError(
        "options.profile",
        key,
        `a profile key must be "default" or an operation group: ${operationGroupNames.join(", ")}.`,
      );
    }
    if (value !== undefined) checkVersion(`profile.${key}`, value);
  }
  const def = (profile as ApiProfile).default;
  return each((g) => {
    const pin = (profile as Record<string, ApiVersion | undefined>)[g];
    if (pin !== undefined) {
      if (!apiVersionSpecs[pin].groups[g]) {
        throw new ManagedIdentityValidationError(
          `options.profile.${g}`,
          pin,
          `a pinned API version must have the ${g} operation group; versions that have it: ${versionsWith(g).join(", ") || "none"}.`,
        );
      }
      return { version: pin, asked: pin, from: `pinned by profile.${g}` };
    }
    if (def !== undefined) return { version: apiVersionSpecs[def].groups[g] ? def : undefined, asked: def, from: "profile.default" };
    return { version: latest[g], from: "profile Latest, the fallback of a profile without default" };
  });
}

/**
 * Resolves the API version of every operation group from `apiVersion` or `profile` (default:
 * {@link KnownProfiles.Latest}). Throws a {@link ManagedIdentityValidationError} for both options
 * at once, an unknown version or profile, an unknown group name, or a pin to a version that lacks
 * the pinned group.
 * @param options - the client's `apiVersion` or `profile`
 */
export function resolveGroupVersions(options: ProfileOptions): GroupVersions {
  const choices = resolveGroupChoices(options);
  return Object.fromEntries(operationGroupNames.map((g) => [g, choices[g].version])) as GroupVersions;
}
