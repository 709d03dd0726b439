// A self-signed test certificate (openssl, from Debian) for HTTPS, WSS and TURN over TLS, and
// its SPKI hash for Chromium's --ignore-certificate-errors-spki-list.
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCert {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo. */
  spki: string;
}

export function makeCert(opts: { ips?: string[]; dns?: string[] } = {}): TestCert {
  const dir = mkdtempSync(join(tmpdir(), "earshot-cert-"));
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  const san = [
    ...(opts.ips ?? ["127.0.0.1"]).map((ip) => `IP:${ip}`),
    ...(opts.dns ?? ["localhost"]).map((d) => `DNS:${d}`),
  ];
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"]
        .concat(["-subj", "/CN=earshot.test", "-addext", `subjectAltName=${san.join(",")}`])
        .concat(["-keyout", keyPath, "-out", certPath]),
      { stdio: "pipe" },
    );
  } catch (e) {
    throw new Error(
      `openssl could not make a test certificate (apt-get install openssl): ${(e as Error).message}`,
    );
  }
  const cert = readFileSync(certPath);
  const der = new X509Certificate(cert).publicKey.export({ type: "spki", format: "der" });
  return {
    certPath,
    keyPath,
    cert,
    key: readFileSync(keyPath),
    spki: createHash("sha256").update(der).digest("base64"),
  };
}
