// The plumbing under test/support/netns.ts: running commands (in a namespace or not), the
// prerequisite check, the per-run slot (which wan /24 a run owns, recorded with its pid under
// /run so a crashed run's leftovers are found and removed), and the exit/signal hooks.
import { type ChildProcess, execFile, execFileSync, spawn as spawnChild } from "node:child_process";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { CHROMIUM } from "./browser.ts";

export const INSTALL_HINT = "apt-get install iproute2 iptables coturn chromium";

/** What the network tests need and this machine lacks, as sentences; empty when all is there. */
export function missingPrerequisites(env: NodeJS.ProcessEnv = process.env): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push("root (network namespaces and iptables need it)");
  for (const [tool, args] of [
    ["ip", ["-V"]],
    ["iptables", ["--version"]],
    ["iptables-restore", ["--version"]],
    ["turnserver", ["--version"]],
  ] as const) {
    try {
      execFileSync(tool, args, { stdio: "ignore", env });
    } catch (error) {
      missing.push(`${tool} (${(error as NodeJS.ErrnoException).code ?? "failed"})`);
    }
  }
  if (!existsSync(CHROMIUM)) missing.push(CHROMIUM);
  return missing;
}

/** Throws, saying what to install, unless every prerequisite is there. Tests call it; never skip. */
export function assertPrerequisites(env: NodeJS.ProcessEnv = process.env): void {
  const missing = missingPrerequisites(env);
  if (missing.length > 0) {
    throw new Error(
      `network tests need ${missing.join(", ")}; install with: ${INSTALL_HINT} (and run as root)`,
    );
  }
}

/** Runs a command, resolving with its stdout; rejects with its stderr and exit status. */
export function run(argv: readonly string[], timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { timeout: timeoutMs, maxBuffer: 8 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const status = error.killed ? `killed after ${timeoutMs} ms` : `exit ${error.code}`;
        reject(new Error(`${argv.join(" ")}: ${status}: ${String(stderr).trim() || error.message}`));
      } else resolve(String(stdout));
    });
  });
}

export function runSync(argv: readonly string[]): string {
  return execFileSync(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] }).toString();
}

/** `ip netns exec NS argv…` as a child process; env is added to this process's. */
export function spawnInNs(ns: string, argv: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawnChild("ip", ["netns", "exec", ns, ...argv], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export const RUN_DIR = "/run/earshot-netns";
/** The namespaces and the root veth of a run all start with this and the run's suffix. */
export const PREFIX = "eshot-";
const SLOTS = 100;

interface SlotRecord {
  pid: number;
  suffix: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes everything of run `suffix`: kills the processes left in its namespaces, deletes them
 * and its root-namespace veth. Synchronous, so that it can run in an exit hook.
 */
export function teardownSync(suffix: string): void {
  const base = `${PREFIX}${suffix}`;
  const names = runSync(["ip", "netns", "list"])
    .split("\n")
    .map((l) => l.split(" ")[0])
    .filter((n) => n.startsWith(`${base}-`));
  for (const ns of names) {
    for (const pid of runSync(["ip", "netns", "pids", ns]).split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // Cleanup: the process may have exited since `ip netns pids` listed it.
      }
    }
  }
  for (const ns of names) runSync(["ip", "netns", "del", ns]);
  try {
    runSync(["ip", "link", "del", base]);
  } catch {
    // Cleanup: usually gone already, with its peer's namespace.
  }
}

/** Namespaces of runs whose process is gone (a crash, a kill -9), and their slot records. */
export function removeStaleRuns(): void {
  mkdirSync(RUN_DIR, { recursive: true });
  // Namespaces first, records second: a run writes its record before it makes a namespace, so
  // every namespace listed here whose run is alive has a record by the time we read them.
  const suffixes = new Set(
    runSync(["ip", "netns", "list"])
      .split("\n")
      .map((l) => l.split(" ")[0])
      .filter((n) => n.startsWith(PREFIX))
      .map((n) => n.slice(PREFIX.length).split("-")[0]),
  );
  const live = new Set<string>();
  for (const file of readdirSync(RUN_DIR)) {
    if (!file.startsWith("slot-")) continue;
    const rec = readRecord(join(RUN_DIR, file));
    if (rec && alive(rec.pid)) live.add(rec.suffix);
    else {
      if (rec) teardownSync(rec.suffix);
      unlinkSync(join(RUN_DIR, file));
    }
  }
  // Leftovers with no live record (e.g. a run killed between its teardown and its unlink).
  for (const s of suffixes) if (!live.has(s)) teardownSync(s);
}

function readRecord(path: string): SlotRecord | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as SlotRecord;
  } catch (error) {
    // Records are linked into place whole, so this is a foreign or damaged file: treat as stale.
    console.warn(`netns: unreadable slot record ${path} (${String(error)}); treating it as stale`);
    return null;
  }
}

/** Claims a free wan slot (10.201.<slot>.0/24) for this process; concurrent runs get different ones. */
export function claimSlot(suffix: string): { slot: number; release(): void } {
  for (let slot = 0; slot < SLOTS; slot++) {
    const path = join(RUN_DIR, `slot-${slot}.json`);
    // Written aside and linked into place: the claim is atomic and never seen half-written.
    const tmp = join(RUN_DIR, `.${suffix}.tmp`);
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, suffix } satisfies SlotRecord));
    try {
      linkSync(tmp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw error;
    } finally {
      unlinkSync(tmp);
    }
    return {
      slot,
      release: () => {
        try {
          unlinkSync(path);
        } catch {
          // Cleanup: a concurrent removeStaleRuns can only remove it if we are dead; nothing to do.
        }
      },
    };
  }
  throw new Error(`netns: all ${SLOTS} slots in ${RUN_DIR} are held by live test runs`);
}

const liveRuns = new Map<string, () => void>();
let hooked = false;

/** Runs `cleanup` (synchronously) if the process exits or is signalled before `forget()`. */
export function onExit(suffix: string, cleanup: () => void): { forget(): void } {
  liveRuns.set(suffix, cleanup);
  if (!hooked) {
    hooked = true;
    const all = () => {
      for (const [s, fn] of liveRuns) {
        liveRuns.delete(s);
        try {
          fn();
        } catch (error) {
          console.error(`netns: cleanup of run ${s} failed:`, error);
        }
      }
    };
    process.on("exit", all);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.once(signal, () => {
        all();
        // Nobody else listening: die of the signal as we would have without this hook.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    }
  }
  return { forget: () => liveRuns.delete(suffix) };
}
