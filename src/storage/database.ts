// Opens the system of record: embedded PGlite (one machine) or PostgreSQL (scale-out).
import { mkdirSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { Logger } from "../control/ports.ts";
import { type DataDirLock, lockDataDir } from "./dataDirLock.ts";
import { openEmbedded } from "./embeddedTemplate.ts";
import { migrate } from "./migrations.ts";
import type { Database } from "./schema.ts";
import type { SecretBox } from "./secretBox.ts";
import { guardDialect } from "./unavailable.ts";

export interface DatabaseConfig {
  /** postgres://… for PostgreSQL; undefined for the embedded database. */
  url?: string;
  /** Where the embedded database keeps its files; "memory://" for a throw-away one. */
  dataDir: string;
  /** Seals secrets at rest (from EARSHOT_SECRET); migrations re-encrypt older plaintext with it. */
  box?: SecretBox | null;
  /**
   * Lends an open embedded database instead of one opened here, and takes it back at close
   * (dataDir is then not used; with `url`, PostgreSQL, neither is the lender).
   * Opening one (initdb or loading a data folder, then the migrations) is most of a start, so
   * the tests keep a pool of migrated ones (test/support/databases.ts). Migrations still run:
   * they are a no-op then.
   */
  lender?: EmbeddedLender;
  /** Where the embedded database's start reports what it could not do (its template). */
  log: Logger;
}

/** Lends open embedded databases: see DatabaseConfig.lender. */
export interface EmbeddedLender {
  borrow(): Promise<PGlite>;
  /** Takes back a database the borrower will not touch again. */
  giveBack(lite: PGlite): Promise<void>;
}

/**
 * What the Kysely dialect uses of a lent database: its queries until it is given back, and
 * "close" giving it back. A query after that fails, as it would on a closed database.
 */
function lentClient(lite: PGlite, lender: EmbeddedLender): PGlite {
  let lent = true;
  const client: Pick<PGlite, "query" | "close"> = {
    query: (...args: Parameters<PGlite["query"]>) => {
      if (!lent) return Promise.reject(new Error("PGlite is closed (given back to its lender)"));
      return lite.query(...args);
    },
    close: async () => {
      if (!lent) return;
      lent = false;
      await lender.giveBack(lite);
    },
  };
  return client as PGlite;
}

export interface OpenDatabase {
  db: Kysely<Database>;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig): Promise<OpenDatabase> {
  let db: Kysely<Database>;
  let kind: OpenDatabase["kind"];
  let lock: DataDirLock | null = null;
  if (config.url) {
    // Timestamps and JSON come back typed; bigint counts as numbers.
    pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
    // A database host that does not answer fails a query after 5 s (storage_unavailable), not never.
    const pool = new pg.Pool({ connectionString: config.url, max: 10, connectionTimeoutMillis: 5000 });
    pool.on("error", () => {}); // a dropped idle client is replaced on next use
    db = new Kysely<Database>({ dialect: guardDialect(new PostgresDialect({ pool })) });
    kind = "postgres";
  } else {
    if (!config.dataDir.startsWith("memory://")) {
      mkdirSync(config.dataDir, { recursive: true });
      // One writer per folder: a second process would silently lose writes (throws DataDirInUse).
      lock = lockDataDir(config.dataDir);
    }
    const { lender } = config;
    const lite = await (lender ? lender.borrow() : openEmbedded(config.dataDir, config.log)).catch((e) => {
      lock?.release();
      throw e;
    });
    const client = lender ? lentClient(lite, lender) : lite;
    db = new Kysely<Database>({ dialect: guardDialect(new PGliteDialect(client)) });
    kind = "pglite";
  }
  try {
    await migrate(db as Kysely<unknown>, { box: config.box ?? null });
  } catch (e) {
    await db.destroy(); // no pool or embedded database left open behind a failed start
    lock?.release();
    throw e;
  }
  return {
    db,
    kind,
    async close() {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}
