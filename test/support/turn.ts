// A real coturn (Debian's `turnserver`) on loopback for the network tests: TURN REST API
// credentials (use-auth-secret), UDP and TCP on one port, TLS on another with the test's own
// certificate (shared/recipes/netns-turn.md). Missing coturn fails with what to install.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestCert } from "./certs.ts";
import { freePort } from "./services.ts";

export const TURNSERVER = "/usr/bin/turnserver";

export interface RunningTurn {
  /** turn: over UDP and TCP. */
  port: number;
  /** turns: (TLS over TCP). */
  tlsPort: number;
  /** What coturn logged (for a failing test's message). */
  log(): string;
  close(): Promise<void>;
}

export async function startTurn(opts: {
  secret: string;
  cert: TestCert;
  realm?: string;
}): Promise<RunningTurn> {
  if (!existsSync(TURNSERVER)) {
    throw new Error(
      `${TURNSERVER} is missing: apt-get install coturn (the network diagnostic test needs a real TURN relay)`,
    );
  }
  const [port, tlsPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "earshot-turn-"));
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      "-n",
      "--listening-ip=127.0.0.1",
      `--listening-port=${port}`,
      `--tls-listening-port=${tlsPort}`,
      "--use-auth-secret",
      `--static-auth-secret=${opts.secret}`,
      `--realm=${opts.realm ?? "earshot.test"}`,
      "--allow-loopback-peers",
      "--no-cli",
      "--no-dtls",
      "--no-rfc5780",
      "--no-software-attribute",
      `--cert=${opts.cert.certFile}`,
      `--pkey=${opts.cert.keyFile}`,
      `--pidfile=${join(dir, "turnserver.pid")}`,
      `--userdb=${join(dir, "turndb")}`,
      "--min-port=49200",
      "--max-port=49999",
      "--log-file=stdout",
      "--simple-log",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const p of [port, tlsPort]) await listening(p, () => child.exitCode !== null);
  } catch (e) {
    await close();
    throw new Error(`coturn did not start: ${(e as Error).message}\n${output.slice(-2000)}`);
  }
  return { port, tlsPort, log: () => output, close };
}

/** Resolves once a TCP connection to 127.0.0.1:port succeeds (coturn listens), within 5 s. */
async function listening(port: number, died: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (died()) throw new Error("turnserver exited");
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on TCP port ${port}`);
}
