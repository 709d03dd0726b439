// `npm start`'s real entry point (src/server.ts) in a child process, with what it prints.
import { type ChildProcess, spawn } from "node:child_process";

const entry = new URL("../../src/server.ts", import.meta.url).pathname;

export interface Spawned {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout or stderr matches; rejects on exit or after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited(): Promise<number | null>;
  /** The signal that ended the process, if one did (once it exited). */
  signal(): NodeJS.Signals | null;
  stop(): Promise<void>;
}

/**
 * Starts it with `env` over this process's environment. Its media plane runs in the main thread
 * unless `env` says otherwise: these tests are about the process (configuration, start, locks,
 * shutdown), and a media worker thread costs ≈ 2 s of CPU per start (workers.test.ts and the
 * network tier run the plane in workers).
 */
export function spawnEarshot(env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: {
      ...process.env,
      LOG_LEVEL: "warn",
      EARSHOT_DEMO: "",
      HOST: "",
      EARSHOT_MEDIA_WORKERS: "0",
      ...env,
    },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  let endedBy: NodeJS.Signals | null = null;
  const exit = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => {
      endedBy = signal;
      resolve(code);
    }),
  );
  let exitedCode: number | null | undefined;
  void exit.then((c) => {
    exitedCode = c;
  });
  return {
    child,
    pid: child.pid as number,
    stdout: () => out,
    stderr: () => err,
    async waitFor(pattern, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const m = pattern.exec(out) ?? pattern.exec(err);
        if (m) return m;
        if (exitedCode !== undefined) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no ${pattern} (exit ${exitedCode}); stdout: ${out}\nstderr: ${err}`);
    },
    exited: () => exit,
    signal: () => endedBy,
    async stop() {
      if (exitedCode === undefined) child.kill("SIGTERM");
      await exit;
    },
  };
}
