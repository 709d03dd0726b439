// Debian's coturn (`turnserver`, 4.6) in a namespace of the test network, with TURN REST API
// credentials (use-auth-secret: username "<unix expiry>:<id>", see src/api/iceServers.ts).
// Listens on the host's address only: 3478 UDP and TCP, and 5349 TLS when given a cert.
// TLS (turns:…:5349?transport=tcp): Chromium checks the TURN server's certificate with the same
// verifier as a page's, so a self-signed test certificate is refused (icecandidateerror 701)
// unless the browser has --ignore-certificate-errors-spki-list with its hash, and then accepted
// (checked in test/network/netns.test.ts; the flag then also overlooks a name mismatch).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NetHost } from "./netns.ts";
import { run, spawnInNs } from "./netns-run.ts";

export interface CoturnOptions {
  host: NetHost;
  secret: string;
  realm: string;
  /** PEM files; without them coturn starts no TLS listener. */
  cert?: string;
  key?: string;
  port?: number;
  tlsPort?: number;
}

export interface Coturn {
  readonly host: NetHost;
  readonly port: number;
  readonly tlsPort: number | null;
  /** Everything coturn logged so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after 2 s. Idempotent. */
  close(): Promise<void>;
}

export async function startCoturn(opts: CoturnOptions): Promise<Coturn> {
  const port = opts.port ?? 3478;
  const tlsPort = opts.cert && opts.key ? (opts.tlsPort ?? 5349) : null;
  const dir = mkdtempSync(join(tmpdir(), "earshot-coturn-"));
  const args = [
    "turnserver",
    "-n", // no config file: only what is here
    `--listening-ip=${opts.host.address}`,
    `--relay-ip=${opts.host.address}`,
    `--listening-port=${port}`,
    "--use-auth-secret",
    `--static-auth-secret=${opts.secret}`,
    `--realm=${opts.realm}`,
    "--fingerprint",
    "--no-cli",
    "--no-multicast-peers",
    "--log-file=stdout",
    "--simple-log",
    // Its own files, so that two coturns (two test runs) never share a pid file or database.
    `--pidfile=${join(dir, "turnserver.pid")}`,
    `--userdb=${join(dir, "turndb")}`,
    ...(tlsPort
      ? [`--tls-listening-port=${tlsPort}`, `--cert=${opts.cert}`, `--pkey=${opts.key}`]
      : ["--no-tls"]),
    "--no-dtls",
  ];
  const child = spawnInNs(opts.host.ns, args);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Listening means the sockets exist: poll the namespace's sockets, not the log's wording.
  const want = [`tcp:${port}`, `udp:${port}`, ...(tlsPort ? [`tcp:${tlsPort}`] : [])];
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exitedEarly) {
      await close();
      throw new Error(
        `turnserver exited before listening (${child.exitCode ?? child.signalCode}):\n${output}`,
      );
    }
    const sockets = await run(["ip", "netns", "exec", opts.host.ns, "ss", "-Hltun"]);
    const listening = new Set(
      sockets
        .split("\n")
        .filter((l) => l.includes(`${opts.host.address}:`))
        .map((l) => `${l.split(/\s+/)[0]}:${l.match(/:(\d+)\s/)?.[1]}`),
    );
    if (want.every((w) => listening.has(w))) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`turnserver did not listen on ${want.join(", ")} within 10 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host: opts.host, port, tlsPort, output: () => output, close };
}
