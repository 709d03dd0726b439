// One migrated embedded database per test run: PGlite's initdb and our migrations are most of a
// test server's start, so the first test file to need it migrates an empty PGlite once, dumps its
// data folder (`dumpDataDir`) to a tarball, and the test databases (support/databases.ts, a pool)
// load that tarball (`loadDataDir`) instead. The tarball is named by a hash of what shapes it
// (src/storage/*.ts and PGlite's version), so a changed migration never loads a stale one.
// scripts/test.mjs gives each run its own folder (EARSHOT_TEST_SNAPSHOT_DIR) and removes it
// afterwards; a file run by hand uses one under the system's temp folder. The migrations from an
// empty database stay tested by every test on PostgreSQL or on a data folder on disk (restart,
// first start, the entry point).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { fallbackLogger } from "../../src/logger.ts";
import { openEmbedded, pgliteVersion } from "../../src/storage/embeddedTemplate.ts";
import { migrate } from "../../src/storage/migrations.ts";

const storage = new URL("../../src/storage/", import.meta.url);

function key(): string {
  const hash = createHash("sha256");
  hash.update(pgliteVersion() ?? "");
  for (const name of readdirSync(storage).sort()) {
    if (name.endsWith(".ts") && !name.endsWith(".test.ts")) hash.update(readFileSync(new URL(name, storage)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function make(path: string): Promise<Blob> {
  const lite = await openEmbedded("memory://", fallbackLogger);
  const db = new Kysely<unknown>({ dialect: new PGliteDialect(lite) });
  try {
    await migrate(db, { box: null });
    const dump = await lite.dumpDataDir("none");
    // Another test file may be making the same one: each writes its own file, the rename is atomic.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
    renameSync(partial, path);
    return dump;
  } finally {
    await db.destroy();
  }
}

let snapshot: Promise<Blob> | null = null;

/** The migrated, empty embedded database of this run, made on first use. */
export function migratedSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const dir = process.env.EARSHOT_TEST_SNAPSHOT_DIR ?? join(tmpdir(), "earshot-test-snapshots");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `pglite-${key()}.tar`);
    try {
      return new Blob([readFileSync(path)]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      return make(path);
    }
  })();
  return snapshot;
}
