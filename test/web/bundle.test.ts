// The production build carries no test hook (web/app/src/shared/testHooks.ts): no
// window.earshot* global and no per-slot analyser; the test build (what browser tests serve)
// does. Both are built into temporary folders, so web/dist is left as it is.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { buildWebApp } from "../support/devBuild.ts";

const HOOKS = ["earshotLegs", "earshotChimes", "earshotChimeLog", "earshotHandChimes", "analysers:!0"];
const dirs: string[] = [];

function build(mode: "production" | "test"): string {
  const out = buildWebApp(mode, "production");
  dirs.push(out);
  const assets = join(out, "assets");
  return readdirSync(assets)
    .filter((f) => f.endsWith(".js"))
    .map((f) => readFileSync(join(assets, f), "utf8"))
    .join("\n");
}

describe("web bundles", { timeout: 120_000 }, () => {
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("the production bundle has none of the test hooks", () => {
    const js = build("production");
    for (const hook of HOOKS) assert.ok(!js.includes(hook), `the production bundle contains ${hook}`);
  });

  it("the test bundle has them (so the check above looks for the right names)", () => {
    const js = build("test");
    for (const hook of ["earshotLegs", "earshotChimes", "earshotChimeLog", "earshotHandChimes"])
      assert.ok(js.includes(hook), `no ${hook}`);
    assert.match(js, /analysers:\s*(!0|true)/);
  });
});
