// One writer per embedded database: PGlite has no lock of its own, and two processes on one
// folder both accept writes until one of them loses its own. The lock is a file in the data
// folder holding the holder's pid, created atomically (O_EXCL); a lock whose pid is no longer
// alive is stale (a crash, a kill -9) and is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

export const LOCK_FILE = "earshot.lock";

export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the data folder ${dataDir} is in use by another Earshot process (pid ${pid}); stop it first`);
    this.name = "DataDirInUse";
  }
}

export interface DataDirLock {
  release(): void;
}

/** The locks this process holds (its own pid in any other lock file is a previous run's). */
const held = new Set<string>();

function alive(pid: number, path: string): boolean {
  // Our own pid in a lock we do not hold: a previous run's (a container restarted with the same pid).
  if (pid === process.pid) return held.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function holder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** Takes the data folder's lock, or throws DataDirInUse naming the live holder's pid. */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  // Two tries: the second after removing a stale lock (or one released between open and read).
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = holder(path);
      if (pid !== null && alive(pid, path)) throw new DataDirInUse(dataDir, pid);
      // Stale (dead pid, or an unreadable half-written file): take it over.
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    held.add(path);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      held.delete(path);
      process.off("exit", release);
      // Only our own lock: never remove one another process took over meanwhile.
      if (holder(path) === process.pid) unlinkSync(path);
    };
    // Also on any exit that skips the database's close (the shutdown's 5 s limit, an exit(1)).
    process.once("exit", release);
    return { release };
  }
  const pid = holder(path);
  throw new DataDirInUse(dataDir, pid ?? 0);
}
