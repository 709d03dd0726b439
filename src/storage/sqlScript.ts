// SQL scripts for the migrations.
import { type Kysely, sql } from "kysely";

/** Runs a script statement by statement (PGlite's extended protocol takes one at a time). */
export async function runScript(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter((s) => s.length > 0);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
