/**
 * Access tokens the emulator issues and accepts: HS256-signed JWTs (node:crypto), so no key
 * material or network is needed and tokens survive restarts when the secret is persisted.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Claims of an emulator token (a subset of what Entra ID puts in a managed-identity token). */
export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  sub: string;
  appid: string;
  idtyp: "app";
  /** Resource id of the managed identity the token belongs to, if any. */
  xms_mirid?: string;
}

/** Default lifetime of issued tokens, in seconds (managed-identity tokens last about a day). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 24 * 3600;

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** Signs claims into a compact JWT. */
export function signToken(claims: TokenClaims, secret: string): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: "arm-managed-identity-emulator" }));
  const payload = b64url(JSON.stringify(claims));
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** Outcome of checking a bearer token. */
export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: "malformed" | "signature" | "expired" | "notYetValid"; claims?: TokenClaims };

/** Verifies signature and lifetime of a JWT signed by {@link signToken}. */
export function verifyToken(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): TokenCheck {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return { ok: false, reason: "malformed" };
  const expected = createHmac("sha256", secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "signature" };
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as TokenClaims;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof claims !== "object" || claims === null || typeof claims.exp !== "number") return { ok: false, reason: "malformed" };
  return checkLifetime(claims, nowSeconds);
}

/** Checks `exp` and `nbf` of already verified claims against the clock. */
export function checkLifetime(claims: TokenClaims, nowSeconds = Math.floor(Date.now() / 1000)): TokenCheck {
  // Five minutes of clock skew, as Entra ID allows.
  if (claims.exp + 300 < nowSeconds) return { ok: false, reason: "expired", claims };
  if (typeof claims.nbf === "number" && claims.nbf - 300 > nowSeconds) return { ok: false, reason: "notYetValid", claims };
  return { ok: true, claims };
}

/** Turns a `getToken` scope (or a token-endpoint `resource`) into the token audience. */
export function resourceFromScope(scope: string): string {
  return scope.endsWith("/.default") ? scope.slice(0, -"/.default".length) : scope;
}
