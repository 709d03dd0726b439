// One writer per embedded database, through `npm start`'s real entry point: a second
// process on the same data folder exits at once (code 2, one line naming the holder's pid),
// a stale lock left by a dead process is taken over, and a clean stop releases the lock.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { freePort } from "../support/services.ts";
import { spawnEarshot } from "../support/spawn.ts";

const RUNNING = /Earshot is running at/;
const lockOf = (dir: string) => join(dir, "earshot.lock");

async function startOn(dir: string) {
  const server = spawnEarshot({ PORT: String(await freePort()), EARSHOT_DATA_DIR: dir });
  await server.waitFor(RUNNING, 90_000).catch(async (e) => {
    await server.stop();
    throw e;
  });
  return server;
}

describe("one writer per embedded database", () => {
  it("a second process on the same data folder exits at once with code 2, naming the holder's pid", async () => {
    const dir = mkdtempSync(join(tmpdir(), "earshot-data-"));
    const first = await startOn(dir);
    try {
      assert.equal(readFileSync(lockOf(dir), "utf8").trim(), String(first.pid));
      const second = spawnEarshot({ PORT: String(await freePort()), EARSHOT_DATA_DIR: dir });
      const code = await second.exited();
      assert.equal(code, 2);
      const lines = second.stderr().trim().split("\n");
      assert.equal(lines.length, 1, second.stderr());
      assert.match(
        lines[0],
        new RegExp(`data folder .* is in use by another Earshot process \\(pid ${first.pid}\\)`),
      );
      assert.doesNotMatch(second.stdout(), RUNNING);
      // The first one is untouched and still holds the folder.
      assert.equal(readFileSync(lockOf(dir), "utf8").trim(), String(first.pid));
    } finally {
      await first.stop();
    }
    assert.equal(existsSync(lockOf(dir)), false, "a clean stop releases the lock");
  });

  it("takes over a stale lock left by a process that is gone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "earshot-data-"));
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(lockOf(dir), `${dead}\n`);
    const server = await startOn(dir);
    try {
      assert.equal(readFileSync(lockOf(dir), "utf8").trim(), String(server.pid));
    } finally {
      await server.stop();
    }
    assert.equal(
      existsSync(lockOf(dir)),
      false,
      `a clean stop releases the lock (exit ${await server.exited()}, signal ${server.signal()}); stderr: ${server.stderr()}`,
    );
  });
});
