// The test servers' embedded databases, lent from a pool (src/storage/database.ts, `lender`):
// opening a PGlite — loading the run's migrated snapshot (snapshot.ts) and starting Postgres in
// WebAssembly — costs ≈ 0.8 s of CPU, most of a test server's start, and a run starts hundreds.
// A database given back is emptied (every table truncated, identities restarted: the migrated,
// empty state the snapshot holds) and lent again; one whose reset fails is closed instead.
import { PGlite } from "@electric-sql/pglite";
import type { EmbeddedLender } from "../../src/storage/database.ts";
import { migratedSnapshot } from "./snapshot.ts";

// The migrations' own bookkeeping (kysely_migration*) stays: the schema is the same.
const RESET = `
ROLLBACK;
DO $$
DECLARE tables text;
BEGIN
  SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO tables
    FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely\\_%';
  IF tables IS NOT NULL THEN
    EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY CASCADE';
  END IF;
END $$;`;

const idle: PGlite[] = [];

// A PGlite loaded from a tarball recovers as after a crash, and Postgres then re-arms its
// start-up progress timer (log_startup_progress_interval, 10 s) for ever: an idle one would keep
// the test process from exiting. With it off, what is left is the statistics timer a query arms
// (10 s, once), which a closed PGlite leaves pending too.
const open = async () =>
  PGlite.create({
    dataDir: "memory://",
    loadDataDir: await migratedSnapshot(),
    postgresqlconf: "log_startup_progress_interval = 0",
  });

export const embeddedDatabases: EmbeddedLender = {
  async borrow() {
    return idle.pop() ?? open();
  },
  async giveBack(lite) {
    try {
      await lite.exec(RESET);
      idle.push(lite);
    } catch (error) {
      console.error("a test database could not be reset, so it is closed:", error);
      await lite.close();
    }
  },
};
