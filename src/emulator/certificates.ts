/**
 * TLS material of the ARM endpoint: a local CA and a leaf certificate for localhost, 127.0.0.1 and
 * ::1, made with `selfsigned` (EC P-256 keys: generated in milliseconds, nothing fetched). With a
 * data directory they are written there and reused on later starts.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";

/** PEMs of the CA and the server certificate. */
export interface EmulatorCertificates {
  /** CA certificate: what clients trust (`tlsOptions: { ca }` or `NODE_EXTRA_CA_CERTS`). */
  caCertificate: string;
  caKey: string;
  /** Server certificate (signed by the CA). */
  certificate: string;
  key: string;
}

const FILES = { caCertificate: "ca.pem", caKey: "ca-key.pem", certificate: "server.pem", key: "server-key.pem" } as const;
const DAY_MS = 24 * 3600 * 1000;

/** True when the stored set is whole and usable: parseable, unexpired, keys matching, leaf issued by the CA. */
function usable(set: EmulatorCertificates): boolean {
  try {
    const ca = new X509Certificate(set.caCertificate);
    const leaf = new X509Certificate(set.certificate);
    const fresh = (c: X509Certificate): boolean => new Date(c.validTo).getTime() > Date.now() + DAY_MS;
    return (
      fresh(ca) &&
      fresh(leaf) &&
      ca.checkPrivateKey(createPrivateKey(set.caKey)) &&
      leaf.checkPrivateKey(createPrivateKey(set.key)) &&
      leaf.checkIssued(ca) &&
      leaf.verify(ca.publicKey)
    );
  } catch {
    // A file cut short by a crash while it was first written: make a new set.
    return false;
  }
}

/** Creates a CA and a server certificate signed by it. */
export async function createCertificates(): Promise<EmulatorCertificates> {
  const now = Date.now();
  const ca = await generate([{ name: "commonName", value: "arm-managed-identity local emulator CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 5 * 365 * DAY_MS),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 365 * DAY_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
    ],
  });
  return { caCertificate: ca.cert, caKey: ca.private, certificate: leaf.cert, key: leaf.private };
}

/** Reuses the certificates in `dataDir` when present and valid; otherwise creates (and stores) new ones. */
export async function loadOrCreateCertificates(dataDir?: string): Promise<EmulatorCertificates> {
  if (dataDir) {
    const paths = Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, join(dataDir, f)])) as Record<keyof EmulatorCertificates, string>;
    if (Object.values(paths).every((p) => existsSync(p))) {
      const loaded = Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, readFileSync(p, "utf8")])) as unknown as EmulatorCertificates;
      if (usable(loaded)) return loaded;
    }
    const created = await createCertificates();
    mkdirSync(dataDir, { recursive: true });
    for (const [k, p] of Object.entries(paths)) {
      writeFileSync(p, created[k as keyof EmulatorCertificates], { mode: k.toLowerCase().includes("key") ? 0o600 : 0o644 });
    }
    return created;
  }
  return createCertificates();
}

/** Path of the CA certificate file inside a data directory. */
export function caCertificatePath(dataDir: string): string {
  return join(dataDir, FILES.caCertificate);
}
