import {
  GITHUB_ACTIONS_ISSUER,
  githubActionsFederatedCredential,
  githubActionsSubject,
  kubernetesFederatedCredential,
  kubernetesServiceAccountSubject,
  type GitHubActionsSubjectOptions,
} from "../../src/customizations/subjects";
import { ManagedIdentityValidationError, validateFederatedCredential } from "../../src/customizations/validation";

function invalid(action: () => unknown): ManagedIdentityValidationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ManagedIdentityValidationError);
    return error as ManagedIdentityValidationError;
  }
  throw new Error("expected a ManagedIdentityValidationError");
}

describe("githubActionsSubject", () => {
  it.each([
    [{ owner: "octo-org", repository: "app.web_1", branch: "main" }, "repo:octo-org/app.web_1:ref:refs/heads/main"],
    [{ owner: "o", repository: "r", branch: "feature/x-1" }, "repo:o/r:ref:refs/heads/feature/x-1"],
    [{ owner: "o", repository: "r", tag: "v1.2.3" }, "repo:o/r:ref:refs/tags/v1.2.3"],
    [{ owner: "o", repository: "r", environment: "prod" }, "repo:o/r:environment:prod"],
    [{ owner: "o", repository: "r", environment: "Staging EU" }, "repo:o/r:environment:Staging EU"],
    [{ owner: "o", repository: "r", pullRequest: true }, "repo:o/r:pull_request"],
  ] as [GitHubActionsSubjectOptions, string][])("builds %p", (options, subject) => {
    expect(githubActionsSubject(options)).toBe(subject);
  });

  it.each([["-org"], ["a".repeat(40)], ["org_x"], ["org.x"], [""], [5]])("refuses the owner %p", (owner) => {
    const e = invalid(() => githubActionsSubject({ owner, repository: "r", branch: "main" } as never));
    expect(e.parameter).toBe("owner");
    expect(e.value).toBe(owner);
    expect(e.rule).toMatch(/1–39 characters/);
    expect(e.message).toContain("Invalid owner");
  });

  it.each([["a b"], ["r/x"], ["."], [".."], ["r".repeat(101)], [""]])("refuses the repository %p", (repository) => {
    const e = invalid(() => githubActionsSubject({ owner: "o", repository, branch: "main" }));
    expect(e.parameter).toBe("repository");
    expect(e.rule).toMatch(/1–100 characters/);
  });

  it.each([[""], ["my branch"], ["a..b"], ["a:b"], ["a\tb"], ["refs/heads/main"], ["x~1"], ["x^"], ["x?"], ["x*"], ["x[1]"], ["x\\y"], ["x.lock"], ["/x"], ["x/"], ["x@{1}"]])(
    "refuses the branch %p",
    (branch) => {
      const e = invalid(() => githubActionsSubject({ owner: "o", repository: "r", branch }));
      expect(e.parameter).toBe("branch");
      expect(e.value).toBe(branch);
      expect(e.rule).toMatch(/git ref name/);
    },
  );

  it("refuses a bad tag under its own name", () => {
    expect(invalid(() => githubActionsSubject({ owner: "o", repository: "r", tag: "refs/tags/v1" })).parameter).toBe("tag");
  });

  it.each([[""], ["a\u001fb"], ["e".repeat(256)]])("refuses the environment %p", (environment) => {
    const e = invalid(() => githubActionsSubject({ owner: "o", repository: "r", environment }));
    expect(e.parameter).toBe("environment");
    expect(e.rule).toMatch(/1–255 characters/);
  });

  it("needs exactly one of branch, tag, environment, pullRequest", () => {
    expect(invalid(() => githubActionsSubject({ owner: "o", repository: "r" } as never)).rule).toMatch(/exactly one of/);
    const both = invalid(() => githubActionsSubject({ owner: "o", repository: "r", branch: "main", tag: "v1" } as never));
    expect(both.rule).toMatch(/exactly one of/);
    expect(both.value).toBe("branch, tag");
    expect(invalid(() => githubActionsSubject({ owner: "o", repository: "r", pullRequest: false } as never)).parameter).toBe("pullRequest");
  });

  it("refuses subjects over the service's 600 characters", () => {
    const e = invalid(() => githubActionsSubject({ owner: "o", repository: "r", branch: "b".repeat(590) }));
    expect(e.parameter).toBe("subject");
    expect(e.rule).toMatch(/at most 600/);
  });

  it("refuses options that are not an object", () => {
    expect(invalid(() => githubActionsSubject(undefined as never)).parameter).toBe("options");
  });
});

describe("githubActionsFederatedCredential", () => {
  it("uses GitHub's issuer and the token-exchange audience, and passes the service rules", () => {
    const credential = githubActionsFederatedCredential({ owner: "o", repository: "r", environment: "prod" });
    expect(credential).toEqual({
      issuer: "https://token.actions.githubusercontent.com",
      subject: "repo:o/r:environment:prod",
      audiences: ["api://AzureADTokenExchange"],
    });
    expect(GITHUB_ACTIONS_ISSUER).toBe(credential.issuer);
    validateFederatedCredential("2024-11-30", credential);
  });
});

describe("kubernetesServiceAccountSubject", () => {
  it("builds system:serviceaccount:<namespace>:<name>", () => {
    expect(kubernetesServiceAccountSubject("default", "workload-sa")).toBe("system:serviceaccount:default:workload-sa");
    expect(kubernetesServiceAccountSubject("kube-system", "a.b-c")).toBe("system:serviceaccount:kube-system:a.b-c");
  });

  it.each([["Default"], ["-ns"], ["ns-"], ["n.s"], ["n".repeat(64)], [""], [undefined]])("refuses the namespace %p", (namespace) => {
    const e = invalid(() => kubernetesServiceAccountSubject(namespace as string, "sa"));
    expect(e.parameter).toBe("namespace");
    expect(e.rule).toMatch(/DNS-1123 label/);
  });

  it.each([["SA"], ["sa_1"], [".sa"], ["sa."], ["a..b"], ["s".repeat(254)], [""]])("refuses the service account %p", (serviceAccount) => {
    const e = invalid(() => kubernetesServiceAccountSubject("default", serviceAccount));
    expect(e.parameter).toBe("serviceAccount");
    expect(e.rule).toMatch(/DNS-1123 subdomain/);
  });
});

describe("kubernetesFederatedCredential", () => {
  const issuerUrl = "https://eastus.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/0c4ac2a9-1f3b-4d5e-8a7b-9c0d1e2f3a4b/";

  it("keeps the issuer exactly (trailing slash included)", () => {
    expect(kubernetesFederatedCredential({ issuerUrl, namespace: "apps", serviceAccount: "api" })).toEqual({
      issuer: issuerUrl,
      subject: "system:serviceaccount:apps:api",
      audiences: ["api://AzureADTokenExchange"],
    });
  });

  it("refuses an issuer that is not an https URL", () => {
    const e = invalid(() => kubernetesFederatedCredential({ issuerUrl: "http://cluster.local/", namespace: "apps", serviceAccount: "api" }));
    expect(e.parameter).toBe("issuerUrl");
    expect(e.message).toBe(`Invalid issuerUrl "http://cluster.local/": ${e.rule}`);
  });

  it("refuses bad names and missing options", () => {
    expect(invalid(() => kubernetesFederatedCredential({ issuerUrl, namespace: "Apps", serviceAccount: "api" })).parameter).toBe("namespace");
    expect(invalid(() => kubernetesFederatedCredential(null as never)).parameter).toBe("options");
  });
});
