/**
 * One cold start: imports a package, constructs a client for API version 2024-11-30 and exits,
 * printing its peak RSS. Usage: node bench/coldStart.mjs <variant>; the parent times the process.
 */
const variant = process.argv[2];
const credential = { getToken: async () => ({ token: "cold-start", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const subscriptionId = "00000000-0000-0000-0000-000000000000";

/** What each variant imports and constructs. */
const variants = {
  /** Node alone: the floor every variant pays. */
  "node (empty)": async () => undefined,
  /** Our root import, one version. */
  "ours (root)": async () => {
    const { ManagedServiceIdentityClient } = await import("arm-managed-identity");
    return new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2024-11-30" });
  },
  /**
   * Our root import plus the generated module the first call loads lazily (the same file, so the
   * same module instance): what a process pays before its first request.
   */
  "ours (root + version loaded)": async () => {
    const [{ ManagedServiceIdentityClient }] = await Promise.all([import("arm-managed-identity"), import("arm-managed-identity/2024-11-30")]);
    return new ManagedServiceIdentityClient(credential, subscriptionId, { apiVersion: "2024-11-30" });
  },
  /** Our per-version subpath: the generated client of one version only. */
  "ours (subpath 2024-11-30)": async () => {
    const { ManagedServiceIdentityClient } = await import("arm-managed-identity/2024-11-30");
    return new ManagedServiceIdentityClient(credential, subscriptionId);
  },
  "arm-msi": async () => {
    const { ManagedServiceIdentityClient } = await import("@azure/arm-msi");
    return new ManagedServiceIdentityClient(credential, subscriptionId);
  },
};

const run = variants[variant];
if (!run) throw new Error(`Unknown cold-start variant "${variant}"; expected one of ${Object.keys(variants).join(", ")}.`);
await run();
process.stdout.write(`${JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
