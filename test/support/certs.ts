// A self-signed test certificate for the network tests (Earshot over HTTPS, coturn over TLS):
// openssl from Debian, an EC P-256 key, SANs for the given IPs and DNS names, and the SPKI
// hash that Chromium's --ignore-certificate-errors-spki-list takes.
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCert {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** base64(SHA-256(SubjectPublicKeyInfo DER)), for --ignore-certificate-errors-spki-list. */
  readonly spkiHash: string;
  /** Chromium's flag that trusts this certificate (and only it). */
  readonly chromiumFlag: string;
  /** Deletes the files. */
  remove(): void;
}

export function makeTestCert(opts: { ips?: string[]; dns?: string[]; days?: number } = {}): TestCert {
  const ips = opts.ips ?? ["10.201.0.1"];
  const dns = opts.dns ?? ["earshot.test"];
  const dir = mkdtempSync(join(tmpdir(), "earshot-cert-"));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const config = join(dir, "openssl.cnf");
  // A leaf, not a CA (openssl's default for -x509 is CA:TRUE, which Chromium dislikes for a server).
  writeFileSync(
    config,
    [
      "[req]",
      "distinguished_name = dn",
      "prompt = no",
      "x509_extensions = leaf",
      "[dn]",
      `CN = ${dns[0] ?? ips[0]}`,
      "[leaf]",
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature",
      "extendedKeyUsage = serverAuth",
      `subjectAltName = ${[...ips.map((ip) => `IP:${ip}`), ...dns.map((d) => `DNS:${d}`)].join(", ")}`,
      "",
    ].join("\n"),
  );
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-config", config, "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"].concat(
        ["-nodes", "-keyout", keyFile, "-out", certFile, "-days", String(opts.days ?? 2)],
      ),
      { stdio: "pipe" },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString();
    throw new Error(
      `openssl could not make the test certificate (apt-get install openssl): ${stderr ?? error}`,
    );
  }
  const certPem = readFileSync(certFile, "utf8");
  const spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  const spkiHash = createHash("sha256").update(spki).digest("base64");
  return {
    certFile,
    keyFile,
    certPem,
    keyPem: readFileSync(keyFile, "utf8"),
    spkiHash,
    chromiumFlag: `--ignore-certificate-errors-spki-list=${spkiHash}`,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
