/**
 * Memoized token verification: a repeated token skips the signature check, yet a cached token is
 * still refused once it expires, before it is valid, or after revokeTokens; the memo is bounded
 * and evicts the least recently used token.
 */
import { createEmulator, type InProcessEmulator } from "arm-managed-identity/emulator";
import { VerifiedTokenCache } from "../../src/emulator/tokenCache.js";
import { signToken, type TokenClaims } from "../../src/emulator/tokens.js";
import { call, identityPath } from "./helpers.js";

const SECRET = "test-secret";
const NOW = 1_900_000_000;

function claims(overrides: Partial<TokenClaims> = {}): TokenClaims {
  return { aud: "https://management.azure.com", iss: "https://sts.windows.net/t/", iat: NOW, nbf: NOW, exp: NOW + 3600, tid: "t", oid: "o", sub: "o", appid: "a", idtyp: "app", ...overrides };
}

/** Counts HMAC computations (signature checks) while `run` executes. */
async function countHmacs(run: () => Promise<void> | void): Promise<number> {
  // The module object itself (not an import namespace copy), so the emulator's calls are seen.
  const spy = jest.spyOn(require("node:crypto") as typeof import("node:crypto"), "createHmac");
  try {
    await run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe("VerifiedTokenCache", () => {
  it("checks the signature once per token and the lifetime on every use", async () => {
    const cache = new VerifiedTokenCache();
    const token = signToken(claims(), SECRET);
    const hmacs = await countHmacs(() => {
      expect(cache.verify(token, SECRET, NOW)).toMatchObject({ ok: true });
      for (let i = 0; i < 10; i++) expect(cache.verify(token, SECRET, NOW + i)).toMatchObject({ ok: true });
    });
    expect(hmacs).toBe(1);
    // Five minutes of skew past exp, then refused, and not accepted again later from the memo.
    expect(cache.verify(token, SECRET, NOW + 3600 + 300)).toMatchObject({ ok: true });
    expect(cache.verify(token, SECRET, NOW + 3600 + 301)).toMatchObject({ ok: false, reason: "expired" });
    expect(cache.size).toBe(0);
    expect(cache.verify(token, SECRET, NOW + 7200)).toMatchObject({ ok: false, reason: "expired" });
    // A clock set back before nbf refuses the cached token too.
    expect(cache.verify(token, SECRET, NOW)).toMatchObject({ ok: true });
    expect(cache.verify(token, SECRET, NOW - 301)).toMatchObject({ ok: false, reason: "notYetValid" });
    expect(cache.verify(token, SECRET, NOW)).toMatchObject({ ok: true });
  });

  it("never remembers refused tokens and forgets everything when the secret changes", async () => {
    const cache = new VerifiedTokenCache();
    const forged = signToken(claims(), "other-secret");
    expect(cache.verify(forged, SECRET, NOW)).toMatchObject({ ok: false, reason: "signature" });
    expect(cache.size).toBe(0);
    const token = signToken(claims(), SECRET);
    expect(cache.verify(token, SECRET, NOW)).toMatchObject({ ok: true });
    expect(cache.verify(token, "rotated-secret", NOW)).toMatchObject({ ok: false, reason: "signature" });
    expect(cache.size).toBe(0);
  });

  it("holds at most its capacity, evicting the least recently used token", async () => {
    const cache = new VerifiedTokenCache(3);
    const tokens = [0, 1, 2, 3].map((i) => signToken(claims({ oid: `o${i}` }), SECRET));
    for (const t of tokens.slice(0, 3)) cache.verify(t, SECRET, NOW);
    cache.verify(tokens[0]!, SECRET, NOW);
    cache.verify(tokens[3]!, SECRET, NOW);
    expect(cache.size).toBe(3);
    // tokens[1] was least recently used: only it needs its signature checked again.
    expect(await countHmacs(() => void cache.verify(tokens[0]!, SECRET, NOW))).toBe(0);
    expect(await countHmacs(() => void cache.verify(tokens[3]!, SECRET, NOW))).toBe(0);
    expect(await countHmacs(() => void cache.verify(tokens[1]!, SECRET, NOW))).toBe(1);
    expect(() => new VerifiedTokenCache(0)).toThrow(/capacity.*positive integer.*0/);
  });
});

describe("ARM requests", () => {
  let emu: InProcessEmulator;
  let sub: string;
  const listUrl = (): string => `/subscriptions/${sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2024-11-30`;

  beforeEach(() => {
    emu = createEmulator({ ficWriteWindowMs: 0 });
    sub = emu.subscriptionId;
    emu.control.seed({ identities: [{ resourceGroup: "rg", name: "worker" }] });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("verify a repeated token's signature only once", async () => {
    // Straight to the engine: the `call` helper signs a fresh default token on every call.
    const request = { method: "GET", url: listUrl(), headers: { authorization: `Bearer ${emu.control.getToken()}` }, body: Buffer.alloc(0), origin: emu.endpoint };
    expect((await emu.engine.handleArm(request)).status).toBe(200);
    const hmacs = await countHmacs(async () => {
      for (let i = 0; i < 5; i++) expect((await emu.engine.handleArm(request)).status).toBe(200);
    });
    expect(hmacs).toBe(0);
  });

  it("refuse a cached token once it has expired", async () => {
    const token = emu.control.getToken();
    expect((await call(emu, "GET", listUrl(), undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    const exp = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")).exp as number;
    jest.spyOn(Date, "now").mockReturnValue((exp + 301) * 1000);
    const refused = await call(emu, "GET", listUrl(), undefined, { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe("ExpiredAuthenticationToken");
  });

  it("refuse a cached token of an identity after revokeTokens", async () => {
    const worker = emu.control.state().identities[identityPath(sub, "rg", "worker").toLowerCase()]!;
    const tokenResponse = emu.engine.handleToken({
      method: "GET",
      url: `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com&client_id=${worker.clientId}`,
      headers: { metadata: "true" },
      body: Buffer.alloc(0),
      origin: "http://127.0.0.1",
    });
    const token = JSON.parse(tokenResponse.body!).access_token as string;
    for (let i = 0; i < 3; i++) expect((await call(emu, "GET", listUrl(), undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await call(emu, "POST", `${identityPath(sub, "rg", "worker")}/revokeTokens?api-version=2023-07-31-preview`)).status).toBe(200);
    const refused = await call(emu, "GET", listUrl(), undefined, { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(401);
    expect(refused.json.error.message).toContain("revoked");
  });
});
