// Real PostgreSQL and Redis servers for the scale-out tests: Debian's packages, started
// in a temp dir on a free loopback port, stopped afterwards.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function pgBin(name: string): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, "bin", name))) return join(root, v, "bin", name);
  return null;
}

export const hasPostgres = (): boolean => pgBin("initdb") !== null;
export const hasRedis = (): boolean => existsSync("/usr/bin/redis-server");

/** PostgreSQL refuses to run as root: run its binaries as the `postgres` user then. */
function postgresIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start within ${ms} ms`);
}

export interface RunningPostgres {
  /** A fresh database on the server, for one test's isolation. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<RunningPostgres> {
  const initdb = pgBin("initdb");
  const postgres = pgBin("postgres");
  if (!initdb || !postgres) throw new Error("PostgreSQL is not installed (apt-get install postgresql)");
  const dir = mkdtempSync(join(tmpdir(), "earshot-pg-"));
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres", dir]);
  const data = join(dir, "data");
  const ids = postgresIds();
  execFileSync(initdb, ["-D", data, "-A", "trust", "-U", "earshot", "--no-sync", "-E", "UTF8"], {
    stdio: "ignore",
    cwd: dir,
    ...ids,
  });
  const port = await freePort();
  const args = [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "max_connections=200",
  ];
  const proc: ChildProcess = spawn(postgres, args, { stdio: "ignore", cwd: dir, ...ids });
  const base = `postgres://earshot@127.0.0.1:${port}`;
  const pg = (await import("pg")).default;
  await waitFor(async () => {
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    await client.connect();
    await client.end();
    return true;
  }, "PostgreSQL");
  return {
    async createDatabase(name: string) {
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      await client.query(`CREATE DATABASE "${name.replace(/[^a-z0-9_]/gi, "_")}"`);
      await client.end();
      return `${base}/${name.replace(/[^a-z0-9_]/gi, "_")}`;
    },
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGINT"); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunningRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  const proc = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const { Redis } = await import("ioredis");
  await waitFor(async () => {
    const r = new Redis(port, "127.0.0.1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on("error", () => {}); // not listening yet: connect() rejects, and we try again
    try {
      await r.connect();
      return (await r.ping()) === "PONG";
    } finally {
      r.disconnect();
    }
  }, "Redis");
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.once("exit", r));
    },
  };
}

/** PostgreSQL and Redis together: what the scale-out tests run several nodes on. */
export interface Backends {
  /** A fresh PostgreSQL database; its URL. */
  database(name: string): Promise<string>;
  redisUrl: string;
  stop(): Promise<void>;
}

export const hasBackends = (): boolean => hasPostgres() && hasRedis();

export async function startBackends(): Promise<Backends> {
  const [pg, redis] = await Promise.allSettled([startPostgres(), startRedis()]);
  if (pg.status === "rejected" || redis.status === "rejected") {
    if (pg.status === "fulfilled") await pg.value.stop();
    if (redis.status === "fulfilled") await redis.value.stop();
    throw pg.status === "rejected" ? pg.reason : (redis as PromiseRejectedResult).reason;
  }
  return {
    database: (name) => pg.value.createDatabase(name),
    redisUrl: redis.value.url,
    async stop() {
      await redis.value.stop();
      await pg.value.stop();
    },
  };
}

/** Fails (never skips) a suite whose backends are missing, saying what to install. */
export function requireBackends(): void {
  if (!hasPostgres() || !hasRedis()) {
    throw new Error(
      "these tests need PostgreSQL and Redis: apt-get install postgresql redis-server (or run npm test as root: scripts/system-deps.sh)",
    );
  }
}
