import { apiVersionList, apiVersionSpecs, KnownProfiles, ManagedServiceIdentityClient, OperationNotAvailableError } from "../../src/index.js";
import { resolveGroupVersions } from "../../src/customizations/profiles.js";
import type { ManagedServiceIdentityClientOptions } from "../../src/index.js";
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

  it("rejects apiVersion together with profile", () => {
    expect(() => new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2024-11-30", profile: "Latest" } as ManagedServiceIdentityClientOptions)).toThrow(
      /Options "apiVersion" \("2024-11-30"\) and "profile" \("Latest"\) are mutually exclusive/,
    );
  });

  it("rejects unknown versions, profiles and groups at construction", () => {
    const make = (options: object) => () => new ManagedServiceIdentityClient(credential, subscriptionId, options as never);
    expect(make({ apiVersion: "2020-01-01" })).toThrow(/Option "apiVersion" has the value "2020-01-01", which is not a known API version; known versions: 2015-08-31-preview, /);
    expect(make({ profile: { default: "2024-11-31" } })).toThrow(/Option "profile.default" has the value "2024-11-31", which is not a known API version/);
    expect(make({ profile: { userAssignedIdentities: "latest" } })).toThrow(/Option "profile.userAssignedIdentities" has the value "latest"/);
    expect(make({ profile: "Newest" })).toThrow(/Option "profile" has the value "Newest", which is not a known profile; known profiles: Latest, LatestPreview/);
    expect(make({ profile: { identities: "2024-11-30" } })).toThrow(/Option "profile.identities" names no operation group/);
    expect(make({ profile: { federatedIdentityCredentials: "2018-11-30" } })).toThrow(
      /pins API version 2018-11-30, which has no federatedIdentityCredentials operation group; versions that have it: 2022-01-31-preview, 2023-01-31/,
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
