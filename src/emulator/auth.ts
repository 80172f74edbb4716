/**
 * Bearer-token checks of ARM requests: the token must be one the emulator signed, unexpired, for
 * an ARM audience (the emulator's own endpoint or the public ARM ones) and not revoked.
 */
import { ArmError } from "./errors.js";
import type { Store } from "./store.js";
import type { VerifiedTokenCache } from "./tokenCache.js";
import { verifyToken, type TokenClaims } from "./tokens.js";

/** Audiences real ARM accepts; the emulator also accepts its own endpoints. */
const ARM_AUDIENCES = ["https://management.azure.com", "https://management.core.windows.net"];

function normalizeAudience(aud: string): string {
  return aud.replace(/\/+$/, "").toLowerCase();
}

function unauthorized(tenantId: string, code: string, message: string, description: string): ArmError {
  return new ArmError(401, code, message, {
    headers: {
      "www-authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/${tenantId}", error="invalid_token", error_description="${description}"`,
    },
  });
}

/**
 * Authenticates an ARM request; returns the caller's claims or throws a 401 ArmError. With a
 * `verified` cache, a token seen before skips its signature check (lifetime and revocation are
 * still checked on every request).
 */
export function authenticate(store: Store, authorization: string | undefined, ownAudiences: readonly string[], verified?: VerifiedTokenCache): TokenClaims {
  const tenantId = store.meta.tenantId;
  if (!authorization) {
    throw unauthorized(tenantId, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", "The authentication failed because of missing 'Authorization' header.");
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) {
    throw unauthorized(tenantId, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.", "The authentication scheme must be Bearer.");
  }
  const check = verified ? verified.verify(match[1]!, store.meta.tokenSecret) : verifyToken(match[1]!, store.meta.tokenSecret);
  if (!check.ok) {
    if (check.reason === "expired") {
      const expiry = new Date(check.claims!.exp * 1000).toISOString();
      throw unauthorized(
        tenantId,
        "ExpiredAuthenticationToken",
        `The access token expiry UTC time '${expiry}' is earlier than current UTC time '${new Date().toISOString()}'.`,
        "The access token has expired.",
      );
    }
    throw unauthorized(tenantId, "InvalidAuthenticationToken", "The access token is invalid.", "The access token could not be validated.");
  }
  const claims = check.claims;
  const allowed = [...ARM_AUDIENCES, ...ownAudiences].map(normalizeAudience);
  if (typeof claims.aud !== "string" || !allowed.includes(normalizeAudience(claims.aud))) {
    throw unauthorized(
      tenantId,
      "InvalidAuthenticationTokenAudience",
      `The access token has been obtained for wrong audience or resource '${String(claims.aud)}'. It should exactly match with one of the allowed audiences '${allowed.join("','")}'.`,
      "The access token audience is not accepted.",
    );
  }
  const revokedAt = typeof claims.oid === "string" ? store.revokedAt(claims.oid) : undefined;
  if (revokedAt !== undefined && claims.iat * 1000 <= revokedAt) {
    throw unauthorized(tenantId, "InvalidAuthenticationToken", "The access token has been revoked.", "The access token has been revoked.");
  }
  return claims;
}
