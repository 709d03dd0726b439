// A new embedded database loads the install's template instead of running initdb
// (src/storage/embeddedTemplate.ts): the first new one keeps its dump as the template, later new
// ones (in memory or in a new folder) load it, a folder that holds a database opens as it is,
// and a template that does not load is removed, never used again.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PGlite } from "@electric-sql/pglite";
import type { Logger } from "../../src/control/ports.ts";
import { openEmbedded, templatePath } from "../../src/storage/embeddedTemplate.ts";

const dir = mkdtempSync(join(tmpdir(), "earshot-template-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function recorder(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    warn: (fields, msg) => warnings.push(`${msg} ${JSON.stringify(fields)}`),
    error: (fields, msg) => warnings.push(`${msg} ${JSON.stringify(fields)}`),
  };
}

const tables = async (lite: PGlite) =>
  (
    await lite.query<{ t: string }>("select tablename as t from pg_tables where schemaname = 'public'")
  ).rows.map((r) => r.t);

/** The template at `path` with a table `marker` added: whatever loads it has that table. */
async function markTemplate(path: string): Promise<void> {
  const lite = await PGlite.create({ dataDir: "memory://", loadDataDir: new Blob([readFileSync(path)]) });
  await lite.exec("create table marker (id int)");
  writeFileSync(path, new Uint8Array(await (await lite.dumpDataDir("none")).arrayBuffer()));
  await lite.close();
}

describe("the embedded database's initdb template", { timeout: 120_000 }, () => {
  it("is named by PGlite's version, in the install's own cache folder", () => {
    assert.match(
      templatePath() ?? "",
      /node_modules\/\.cache\/earshot\/pglite-\d+\.\d+\.\d+\S*-initdb\.tar$/,
    );
  });

  it("the first new database keeps its dump as the template; a new one, in memory or in a folder, loads it", async () => {
    const template = join(dir, "made", "pglite-initdb.tar");
    const log = recorder();
    const first = await openEmbedded("memory://", log, template);
    assert.deepEqual(await tables(first), []);
    await first.close();
    assert.ok(existsSync(template), "kept");

    await markTemplate(template);
    const inMemory = await openEmbedded("memory://", log, template);
    assert.deepEqual(await tables(inMemory), ["marker"], "loaded from the template");
    await inMemory.close();

    const folder = join(dir, "data");
    const fresh = await openEmbedded(folder, log, template);
    assert.deepEqual(await tables(fresh), ["marker"], "a new folder loads it too");
    await fresh.exec("create table kept (id int)");
    await fresh.close();
    // A folder that holds a database opens as it is (loading a template there would fail).
    const reopened = await openEmbedded(folder, log, template);
    assert.deepEqual((await tables(reopened)).sort(), ["kept", "marker"]);
    await reopened.close();
    assert.deepEqual(log.warnings, []);
  });

  it("a template that does not load is removed: memory runs initdb, a new folder says what to do", async () => {
    const template = join(dir, "broken.tar");
    writeFileSync(template, "not a tarball");
    const log = recorder();
    const lite = await openEmbedded("memory://", log, template);
    assert.deepEqual(await tables(lite), [], "initdb instead");
    await lite.close();
    assert.match(log.warnings.join("\n"), /the template did not load; removed/);
    // It kept the dump of that initdb as the new template.
    assert.ok(existsSync(template));

    writeFileSync(template, "not a tarball");
    const folder = join(dir, "after-broken");
    await assert.rejects(
      openEmbedded(folder, log, template),
      /did not load from its template .*empty that folder/,
    );
    assert.equal(existsSync(template), false, "removed");
  });

  it("without a writable cache folder every new database still opens, by initdb", async () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    const log = recorder();
    const lite = await openEmbedded("memory://", log, join(blocker, "cache", "t.tar"));
    assert.deepEqual(await tables(lite), []);
    await lite.close();
    assert.match(log.warnings.join("\n"), /cannot keep the template/);
  });
});
