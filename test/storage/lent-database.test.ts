// The test servers' pooled embedded databases (test/support/databases.ts, lent through
// openDatabase's `lender`): a database given back is lent again in the migrated, empty state a
// new one has, and whoever gave it back can no longer reach it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Kysely, sql } from "kysely";
import { fallbackLogger } from "../../src/logger.ts";
import { openDatabase } from "../../src/storage/database.ts";
import type { Database } from "../../src/storage/schema.ts";
import { embeddedDatabases } from "../support/databases.ts";

const lend = () => openDatabase({ dataDir: "memory://", lender: embeddedDatabases, log: fallbackLogger });

async function rowCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = 'public' order by tablename`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db);
    counts[name] = r.rows[0].n;
  }
  return counts;
}

describe("pooled test databases", () => {
  it("a database given back is lent again as a new one is: migrated, empty, identities restarted", async () => {
    const first = await lend();
    const fresh = await rowCounts(first.db);
    assert.ok(Object.keys(fresh).length > 5, JSON.stringify(fresh));
    const migrations = fresh.kysely_migration;
    assert.ok(migrations > 0, "the migrations are recorded");
    const serial = async (db: Kysely<Database>) =>
      (
        await sql<{ t: string }>`select pg_get_serial_sequence(table_name, column_name) as t
         from information_schema.columns where column_default like 'nextval%' limit 1`.execute(db)
      ).rows[0]?.t;
    const sequence = await serial(first.db);
    assert.ok(sequence, "a serial column to check");
    const next = async (db: Kysely<Database>) =>
      (await sql<{ n: number }>`select nextval(${sequence})::int as n`.execute(db)).rows[0].n;
    const firstValue = await next(first.db);
    await next(first.db);
    await sql`insert into orgs (id, name) values (gen_random_uuid(), 'Left behind')`.execute(first.db);
    assert.equal((await rowCounts(first.db)).orgs, fresh.orgs + 1);
    await first.close();
    await assert.rejects(
      sql`select 1`.execute(first.db),
      /destroyed|closed/,
      "the one who gave it back no longer reaches it",
    );

    const second = await lend();
    try {
      assert.deepEqual(await rowCounts(second.db), fresh);
      assert.equal(await next(second.db), firstValue, "identities start again");
    } finally {
      await second.close();
    }
  });
});
