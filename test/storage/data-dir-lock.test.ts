import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DataDirInUse, LOCK_FILE, lockDataDir } from "../../src/storage/dataDirLock.ts";

const folder = () => mkdtempSync(join(tmpdir(), "earshot-lock-"));

describe("data folder lock", () => {
  it("holds the pid, refuses a second holder, and is gone once released", () => {
    const dir = folder();
    const lock = lockDataDir(dir);
    assert.equal(readFileSync(join(dir, LOCK_FILE), "utf8").trim(), String(process.pid));
    assert.throws(
      () => lockDataDir(dir),
      (e) => e instanceof DataDirInUse && e.pid === process.pid,
    );
    lock.release();
    lock.release();
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
    lockDataDir(dir).release();
  });

  it("takes over a lock whose process is gone, or that holds our pid from a previous run", () => {
    for (const stale of [spawnSync(process.execPath, ["-e", ""]).pid, process.pid, "garbage"]) {
      const dir = folder();
      writeFileSync(join(dir, LOCK_FILE), `${stale}\n`);
      const lock = lockDataDir(dir);
      assert.equal(readFileSync(join(dir, LOCK_FILE), "utf8").trim(), String(process.pid));
      lock.release();
    }
  });

  it("refuses a lock held by a live process, naming it", () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), "1\n"); // init is always alive
    assert.throws(() => lockDataDir(dir), /in use by another Earshot process \(pid 1\)/);
  });
});
