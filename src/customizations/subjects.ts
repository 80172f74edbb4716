/**
 * Builders of the subjects (and whole credentials) that common workload identity issuers put in
 * their tokens: GitHub Actions and Kubernetes service accounts.
 */
import { DEFAULT_FEDERATED_CREDENTIAL_AUDIENCE } from "./federatedCredentials.js";
import { isPlainObject, ManagedIdentityValidationError, validateIssuerUrl } from "./validation.js";

/** Issuer of GitHub Actions OIDC tokens (github.com). */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

/** Longest subject the service accepts. */
const MAX_SUBJECT_LENGTH = 600;

const GITHUB_OWNER = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;
const GITHUB_REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
// git check-ref-format: no whitespace or control characters, none of ~ ^ : ? * [ \, no "..".
const GIT_REF_FORBIDDEN = /[\s\u0000-\u001f\u007f~^:?*[\\]|\.\.|@\{/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const rules = {
  owner: "a GitHub owner must be 1–39 characters of letters, digits and '-', starting with a letter or digit.",
  repository: "a GitHub repository name must be 1–100 characters of letters, digits, '.', '-' and '_', other than '.' and '..'.",
  ref: "a branch or tag must be a non-empty git ref name, given without its refs/heads/ or refs/tags/ prefix, without whitespace, control characters, '..', '@{' or any of ~ ^ : ? * [ \\.",
  environment: "a GitHub environment name must be 1–255 characters without control characters.",
  trigger: "give exactly one of branch, tag, environment or pullRequest: true.",
  subjectLength: `a subject must be at most ${MAX_SUBJECT_LENGTH} characters.`,
  namespace: "a Kubernetes namespace must be a DNS-1123 label: 1–63 lowercase letters, digits and '-', starting and ending with a letter or digit.",
  serviceAccount:
    "a Kubernetes service account name must be a DNS-1123 subdomain: at most 253 characters of lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit.",
  options: "the options must be an object.",
} as const;

/** The repository whose workflows a GitHub Actions subject trusts. */
export interface GitHubRepository {
  /** User or organization owning the repository. */
  owner: string;
  /** Repository name. */
  repository: string;
}

/** Which workflow runs a GitHub Actions subject trusts: exactly one of the four. */
export type GitHubActionsSubjectOptions = GitHubRepository &
  (
    | { /** Runs on this branch (short name, e.g. `main`). */ branch: string; tag?: never; environment?: never; pullRequest?: never }
    | { /** Runs for this tag (short name, e.g. `v1`). */ tag: string; branch?: never; environment?: never; pullRequest?: never }
    | { /** Jobs that use this deployment environment. */ environment: string; branch?: never; tag?: never; pullRequest?: never }
    | { /** Runs triggered by pull requests. */ pullRequest: true; branch?: never; tag?: never; environment?: never }
  );

/** A federated credential ready for `createOrUpdate` or `ensureFederatedIdentityCredential`. */
export interface FederatedCredentialDefinition {
  /** Issuer URL. */
  issuer: string;
  /** Subject of the external identity. */
  subject: string;
  /** Audiences: `api://AzureADTokenExchange`. */
  audiences: string[];
}

function checkString(value: unknown, parameter: string, rule: string, valid: (text: string) => boolean): string {
  if (typeof value !== "string" || !valid(value)) {
    throw new ManagedIdentityValidationError(parameter, value, rule);
  }
  return value;
}

function checkRef(value: unknown, parameter: string): string {
  return checkString(
    value,
    parameter,
    rules.ref,
    (text) => text.length > 0 && !GIT_REF_FORBIDDEN.test(text) && !/^refs\//.test(text) && !text.endsWith(".lock") && !text.endsWith("/") && !text.startsWith("/"),
  );
}

function checkSubjectLength(subject: string): string {
  if (subject.length > MAX_SUBJECT_LENGTH) {
    throw new ManagedIdentityValidationError("subject", subject, rules.subjectLength);
  }
  return subject;
}

/**
 * Builds the subject of GitHub Actions tokens: `repo:{owner}/{repository}:ref:refs/heads/{branch}`,
 * `…:ref:refs/tags/{tag}`, `…:environment:{environment}` or `…:pull_request`.
 * @param options - owner, repository and exactly one of branch, tag, environment, pullRequest
 * @returns the subject
 * @throws {@link ManagedIdentityValidationError} when a part breaks GitHub's naming rules
 */
export function githubActionsSubject(options: GitHubActionsSubjectOptions): string {
  if (!isPlainObject(options)) {
    throw new ManagedIdentityValidationError("options", options, rules.options);
  }
  const owner = checkString(options.owner, "owner", rules.owner, (text) => GITHUB_OWNER.test(text));
  const repository = checkString(
    options.repository,
    "repository",
    rules.repository,
    (text) => GITHUB_REPOSITORY.test(text) && text !== "." && text !== "..",
  );
  const given = (["branch", "tag", "environment", "pullRequest"] as const).filter((key) => options[key] !== undefined);
  if (given.length !== 1) {
    throw new ManagedIdentityValidationError("options", given.length === 0 ? options : given.join(", "), rules.trigger);
  }
  const prefix = `repo:${owner}/${repository}`;
  switch (given[0]) {
    case "branch":
      return checkSubjectLength(`${prefix}:ref:refs/heads/${checkRef(options.branch, "branch")}`);
    case "tag":
      return checkSubjectLength(`${prefix}:ref:refs/tags/${checkRef(options.tag, "tag")}`);
    case "environment": {
      const environment = checkString(
        options.environment,
        "environment",
        rules.environment,
        (text) => text.length > 0 && text.length <= 255 && !/[\u0000-\u001f\u007f]/.test(text),
      );
      return checkSubjectLength(`${prefix}:environment:${environment}`);
    }
    default:
      if (options.pullRequest !== true) {
        throw new ManagedIdentityValidationError("pullRequest", options.pullRequest, rules.trigger);
      }
      return `${prefix}:pull_request`;
  }
}

/**
 * Builds a federated credential trusting GitHub Actions runs of one repository: GitHub's issuer,
 * the subject of {@link githubActionsSubject} and the `api://AzureADTokenExchange` audience.
 * @param options - owner, repository and exactly one of branch, tag, environment, pullRequest
 * @returns issuer, subject and audiences
 * @throws {@link ManagedIdentityValidationError} when a part breaks GitHub's naming rules
 */
export function githubActionsFederatedCredential(options: GitHubActionsSubjectOptions): FederatedCredentialDefinition {
  return {
    issuer: GITHUB_ACTIONS_ISSUER,
    subject: githubActionsSubject(options),
    audiences: [DEFAULT_FEDERATED_CREDENTIAL_AUDIENCE],
  };
}

/**
 * Builds the subject of Kubernetes service account tokens: `system:serviceaccount:{namespace}:{serviceAccount}`.
 * @param namespace - the namespace (a DNS-1123 label)
 * @param serviceAccount - the service account name (a DNS-1123 subdomain)
 * @returns the subject
 * @throws {@link ManagedIdentityValidationError} when a name breaks Kubernetes' naming rules
 */
export function kubernetesServiceAccountSubject(namespace: string, serviceAccount: string): string {
  checkString(namespace, "namespace", rules.namespace, (text) => text.length <= 63 && DNS_1123_LABEL.test(text));
  checkString(
    serviceAccount,
    "serviceAccount",
    rules.serviceAccount,
    (text) => text.length <= 253 && DNS_1123_SUBDOMAIN.test(text),
  );
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** What {@link kubernetesFederatedCredential} needs. */
export interface KubernetesFederatedCredentialOptions {
  /** The cluster's OIDC issuer URL, exactly as in its tokens (e.g. an AKS `oidcIssuerProfile.issuerUrl`, trailing `/` included). */
  issuerUrl: string;
  /** Namespace of the service account. */
  namespace: string;
  /** Name of the service account. */
  serviceAccount: string;
}

/**
 * Builds a federated credential trusting one Kubernetes service account: the cluster's issuer
 * (kept exactly, since tokens must match it character for character), the service account subject
 * and the `api://AzureADTokenExchange` audience.
 * @param options - issuer URL, namespace and service account
 * @returns issuer, subject and audiences
 * @throws {@link ManagedIdentityValidationError} when the issuer is not an https URL or a name breaks Kubernetes' rules
 */
export function kubernetesFederatedCredential(options: KubernetesFederatedCredentialOptions): FederatedCredentialDefinition {
  if (!isPlainObject(options)) {
    throw new ManagedIdentityValidationError("options", options, rules.options);
  }
  validateIssuerUrl(options.issuerUrl, "issuerUrl");
  return {
    issuer: options.issuerUrl,
    subject: kubernetesServiceAccountSubject(options.namespace, options.serviceAccount),
    audiences: [DEFAULT_FEDERATED_CREDENTIAL_AUDIENCE],
  };
}
