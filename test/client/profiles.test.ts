import { apiVersionList, apiVersionSpecs, KnownProfiles, ManagedIdentityValidationError, ManagedServiceIdentityClient, OperationNotAvailableError } from "../../src/index.js";
import { resolveGroupVersions } from "../../src/customizations/profiles.js";
import { RecordingCredential, subscriptionId } from "./helpers.js";

const credential = new RecordingCredential();

describe("profile resolution", () => {
  it("defaults to Latest: the newest stable version having each group", () => {
    const client = new ManagedServiceIdentityClient(credential, subscriptionId);
    expect(client.apiVersions).toEqual({
      systemAssignedIdentities: "2026-05-31",
      operations: "2026-05-31",
      userAssignedIdentities: "2026-05-31",
      federatedIdentityCredentials: "2026-05-31",
      flexibleFederatedIdentityCredentials: undefined,
    });
    expect(resolveGroupVersions({ profile: KnownProfiles.Latest })).toEqual(client.apiVersions);
  });

  it("Latest never picks a preview and LatestPreview may", () => {
    const latest = resolveGroupVersions({ profile: "Latest" });
    const preview = resolveGroupVersions({ profile: "LatestPreview" });
    for (const v of Object.values(latest)) if (v) expect(apiVersionSpecs[v].stability).toBe("stable");
    expect(preview.flexibleFederatedIdentityCredentials).toBe("2025-01-31-preview");
    expect(preview.federatedIdentityCredentials).toBe("2026-05-31");
  });

  it("type-level stability (the -preview suffix) agrees with the table", () => {
    for (const v of apiVersionList) expect(apiVersionSpecs[v].stability).toBe(v.endsWith("-preview") ? "preview" : "stable");
  });

  it("applies per-group pins over a default", () => {
    const client = new ManagedServiceIdentityClient(credential, subscriptionId, {
      profile: { default: "2024-11-30", userAssignedIdentities: "2022-01-31-preview" },
    });
    expect(client.apiVersions).toEqual({
      systemAssignedIdentities: "2024-11-30",
      operations: "2024-11-30",
      userAssignedIdentities: "2022-01-31-preview",
      federatedIdentityCredentials: "2024-11-30",
      flexibleFederatedIdentityCredentials: undefined,
    });
    expect(typeof client.userAssignedIdentities.listAssociatedResources).toBe("function");
  });

  it("falls back to Latest for groups a profile without default does not pin", () => {
    const versions = resolveGroupVersions({ profile: { flexibleFederatedIdentityCredentials: "2025-01-31-preview" } });
    expect(versions.flexibleFederatedIdentityCredentials).toBe("2025-01-31-preview");
    expect(versions.userAssignedIdentities).toBe("2026-05-31");
  });

  it("one apiVersion applies to every group that version has", () => {
    const versions = resolveGroupVersions({ apiVersion: "2018-11-30" });
    expect(versions.userAssignedIdentities).toBe("2018-11-30");
    expect(versions.federatedIdentityCredentials).toBeUndefined();
  });

  /** The error a constructor call throws, checked to be the validation error class. */
  function constructionError(options: object): ManagedIdentityValidationError {
    let error: unknown;
    try {
      new ManagedServiceIdentityClient(credential, subscriptionId, options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManagedIdentityValidationError);
    return error as ManagedIdentityValidationError;
  }

  it("rejects apiVersion together with profile", () => {
    expect(constructionError({ apiVersion: "2024-11-30", profile: "Latest" }).message).toBe(
      'Invalid options.profile "Latest": "apiVersion" (here "2024-11-30") and "profile" are mutually exclusive: use "apiVersion" for one version everywhere, or "profile" for per-group versions.',
    );
  });

  it("rejects unknown versions, profiles and groups at construction", () => {
    const known = apiVersionList.join(", ");
    expect(constructionError({ apiVersion: "2020-01-01" }).message).toBe(`Invalid options.apiVersion "2020-01-01": an API version must be one of ${known}.`);
    expect(constructionError({ profile: { default: "2024-11-31" } }).message).toBe(`Invalid options.profile.default "2024-11-31": an API version must be one of ${known}.`);
    expect(constructionError({ profile: { userAssignedIdentities: "latest" } }).parameter).toBe("options.profile.userAssignedIdentities");
    expect(constructionError({ profile: "Newest" }).message).toBe(
      'Invalid options.profile "Newest": a profile must be one of Latest, LatestPreview, or an object such as { default: "2024-11-30", userAssignedIdentities: "2022-01-31-preview" }.',
    );
    expect(constructionError({ profile: 7 }).message).toBe("Invalid options.profile (number) 7: a profile must be a profile name or an object of per-group API versions.");
    expect(constructionError({ profile: { identities: "2024-11-30" } }).message).toMatch(
      /^Invalid options\.profile "identities": a profile key must be "default" or an operation group: .*userAssignedIdentities/,
    );
    expect(constructionError({ profile: { federatedIdentityCredentials: "2018-11-30" } }).message).toMatch(
      /^Invalid options\.profile\.federatedIdentityCredentials "2018-11-30": a pinned API version must have the federatedIdentityCredentials operation group; versions that have it: 2022-01-31-preview, 2023-01-31/,
    );
  });
});

describe("groups and operations missing from the resolved version (plain JavaScript callers)", () => {
  it("accessing an absent group names the version and the versions that have it", () => {
    const client = new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2018-11-30" }) as unknown as Record<string, unknown>;
    let error: unknown;
    try {
      void client.federatedIdentityCredentials;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OperationNotAvailableError);
    expect((error as Error).message).toBe(
      'Operation group "federatedIdentityCredentials" is not available in API version 2018-11-30 (option "apiVersion"); ' +
        "API versions that have it: 2022-01-31-preview, 2023-01-31, 2023-07-31-preview, 2024-11-30, 2025-01-31-preview, 2025-05-31-preview, 2026-04-30, 2026-05-31.",
    );
  });

  it("accessing an absent operation names the version and the versions that have it", () => {
    const client = new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2024-11-30" });
    const group = client.userAssignedIdentities as unknown as Record<string, unknown>;
    expect(() => group.listAssociatedResources).toThrow(
      'Operation "userAssignedIdentities.listAssociatedResources" is not available in API version 2024-11-30 (option "apiVersion"); ' +
        "API versions that have it: 2021-09-30-preview, 2022-01-31-preview.",
    );
    expect(() => group.revokeTokens).toThrow(/API versions that have it: 2023-07-31-preview\./);
  });

  it("a group no stable version has is absent from Latest, with a message saying so", () => {
    const client = new ManagedServiceIdentityClient(credential, subscriptionId) as unknown as Record<string, unknown>;
    expect(() => client.flexibleFederatedIdentityCredentials).toThrow(
      'Operation group "flexibleFederatedIdentityCredentials" is not available in profile Latest; API versions that have it: 2025-01-31-preview.',
    );
  });
});
