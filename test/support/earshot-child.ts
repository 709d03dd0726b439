// Earshot's real entry point (src/server.ts) as a child process in a namespace of the test
// network: started with the given environment, ready once it prints "Earshot is running".
import type { ChildProcess } from "node:child_process";
import type { NetHost, Network } from "./netns.ts";

/** The repository this file is in: the child's working directory (web/dist, node_modules). */
export const REPO_ROOT = new URL("../../", import.meta.url).pathname;

export interface EarshotChild {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, SIGKILL after 5 s; resolves when it has exited. Idempotent. */
  close(): Promise<void>;
}

export async function startEarshotIn(
  net: Network,
  host: NetHost,
  env: Record<string, string>,
  readyMs = 120_000,
): Promise<EarshotChild> {
  // env -C: the child runs in the repository whatever this process's cwd (it serves ./web/dist).
  const child = net.spawn(
    host,
    ["env", "-C", REPO_ROOT, process.execPath, "--import", "tsx", "src/server.ts"],
    env,
  );
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let running = false;
  const close = async () => {
    const diedEarly = running && (child.exitCode !== null || child.signalCode !== null);
    running = false;
    // It died during the tests: what it said is the likeliest explanation of their failures.
    if (diedEarly)
      console.error(
        `Earshot in ${host.name} exited early (${child.exitCode ?? child.signalCode}):\n${output}`,
      );
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Earshot in ${host.name} not running within ${readyMs} ms:\n${output}`));
    }, readyMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes("Earshot is running")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Earshot in ${host.name} exited (${code ?? signal}) before running:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  running = true;
  return { child, output: () => output, close };
}
