/**
 * The User-Agent prefix the client sends, so service-side logs can tell this package's traffic apart.
 */

/** Name of this package, as sent in the User-Agent header. */
export const packageName = "arm-managed-identity";

/** Version of this package, as sent in the User-Agent header; kept equal to package.json by a test. */
export const packageVersion = "0.1.0";

/** User-Agent prefix naming this package, after the caller's own prefix if any. */
export function userAgentPrefix(callerPrefix?: string): string {
  const ours = `${packageName}/${packageVersion}`;
  return callerPrefix ? `${callerPrefix} ${ours}` : ours;
}
