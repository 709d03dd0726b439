// A new embedded database starts from a copy of a pristine one instead of running initdb.
// PGlite's initdb starts a second WebAssembly Postgres, runs initdb in it, dumps its folder and
// loads that dump into the real one: ≈ 3.5 s and 5.5 s of CPU on this project's 2-core machines,
// most of a first start (and of every `memory://` start). Loading the same dump takes ≈ 0.6 s.
// So the first new database of an install keeps its dump, taken right after initdb and before
// any migration (an empty cluster), as the template; later new ones load it. Folders that hold a
// database already open as before.
//
// The template lives in the install's own node_modules/.cache/earshot/, as trusted as the code
// beside it (never a shared temp folder, where another user could plant one), and is named by
// PGlite's version, so an upgraded PGlite makes a new one. Where that folder cannot be written,
// every new database runs initdb, as before. docs/ARCHITECTURE.md, "Where state lives".
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { Logger } from "../control/ports.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PGLITE = join(ROOT, "node_modules/@electric-sql/pglite/package.json");

/** The installed PGlite's version (its package does not export package.json); null when it is not where npm puts it. */
export function pgliteVersion(): string | null {
  if (!existsSync(PGLITE)) return null;
  return (JSON.parse(readFileSync(PGLITE, "utf8")) as { version: string }).version;
}

/** Where this install keeps the template for its PGlite; null when its version is unknown. */
export function templatePath(cacheDir = join(ROOT, "node_modules/.cache/earshot")): string | null {
  const version = pgliteVersion();
  return version ? join(cacheDir, `pglite-${version}-initdb.tar`) : null;
}

/** Whether opening `dataDir` makes a new database (PGlite's own test: PG_VERSION is there). */
function isNew(dataDir: string): boolean {
  return dataDir.startsWith("memory://") || !existsSync(join(dataDir, "PG_VERSION"));
}

/**
 * Opens the embedded database in `dataDir` (a folder, or "memory://"): a new one from the
 * template when there is one, otherwise by initdb, keeping its dump as the template for next time.
 */
export async function openEmbedded(
  dataDir: string,
  log: Logger,
  template: string | null = templatePath(),
): Promise<PGlite> {
  if (!template || !isNew(dataDir)) return PGlite.create({ dataDir });
  let dump: Blob | null = null;
  try {
    dump = new Blob([readFileSync(template)]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      log.warn({ template, err: (e as Error).message }, "embedded database: cannot read the template");
  }
  if (dump) {
    try {
      return await PGlite.create({ dataDir, loadDataDir: dump });
    } catch (e) {
      // A template that does not load is removed; a memory database runs initdb instead, a folder
      // that may now hold part of one is left to the operator (the error says which).
      rmSync(template, { force: true });
      if (!dataDir.startsWith("memory://"))
        throw new Error(
          `the new embedded database in ${dataDir} did not load from its template (${(e as Error).message}); ` +
            "the template is removed: empty that folder and start again",
        );
      log.warn({ err: (e as Error).message }, "embedded database: the template did not load; removed");
    }
  }
  const lite = await PGlite.create({ dataDir });
  await keep(lite, template, log);
  return lite;
}

/** Writes the fresh database's dump as the template (whole or not at all: a rename). */
async function keep(lite: PGlite, template: string, log: Logger): Promise<void> {
  const partial = `${template}.${process.pid}.partial`;
  try {
    const dump = await lite.dumpDataDir("none");
    mkdirSync(join(template, ".."), { recursive: true });
    writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
    renameSync(partial, template);
    log.debug({ template }, "embedded database: kept the template for new databases");
  } catch (e) {
    log.warn({ template, err: (e as Error).message }, "embedded database: cannot keep the template");
    if (existsSync(partial)) rmSync(partial);
  }
}
