// Runs lint, the type-checks and the test files with node's test runner, tier by tier (`npm test`
// runs them all; the tiers are in scripts/test-tiers.mjs, how their processes run in
// scripts/test-processes.mjs).
// `node scripts/test.mjs unit integration` runs those tiers; `node scripts/test.mjs FILE…` just those
// files, one at a time; `node scripts/test.mjs --list` prints which file is in which tier.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, runScripts } from "./test-processes.mjs";
import { impurity, tiers } from "./test-tiers.mjs";

const all = tiers();
const asked = process.argv.slice(2);
const files = asked.filter((a) => a.endsWith(".ts"));
const names = asked.filter((a) => !a.endsWith(".ts"));
const unknown = names.filter((n) => !(n in all) && n !== "--list");
if (unknown.length > 0) {
  console.error(`unknown tier ${unknown.join(", ")}: one of ${Object.keys(all).join(", ")}, or test files`);
  process.exit(2);
}
if (files.length > 0) process.exit((await run(files, 1)).status);
if (names.includes("--list")) {
  for (const [name, tier] of Object.entries(all))
    console.log(`${name}:\n  ${(tier.files ?? tier.commands.map((c) => `npm run ${c}`)).join("\n  ")}`);
  process.exit(0);
}

const impure = all.unit.files.map((f) => [f, impurity(f)]).filter(([, bad]) => bad.length > 0);
if (impure.length > 0) {
  for (const [f, bad] of impure)
    console.error(`${f}: a unit test may not use ${bad.join(", ")} — move it to test/`);
  process.exit(1);
}

// One migrated PGlite for the whole run (test/support/snapshot.ts), removed afterwards.
const snapshots = mkdtempSync(join(tmpdir(), "earshot-test-"));
process.env.EARSHOT_TEST_SNAPSHOT_DIR = snapshots;
// The whole run: lint and the type-checks beside the unit tier, then the other tiers together:
// the network tier (mostly waiting: TURN expiry, grace periods, ICE restarts) beside the
// integration tier, and the browser tier's processes each starting as an integration or network
// process runs out of files (slots, above). Output of all but the first tier of a group is held until it
// ends. Named tiers run the same way (`integration browser` overlapping, as in the whole run).
// (Lint and the type-checks beside the integration tier instead, 12-04: no difference beyond the
// ≈ 35 s between clean-clone runs; here a lint error shows within a minute.)
const order = [
  ["unit", "static"],
  ["integration", "network", "browser"],
]
  .map((group) => group.filter((n) => names.length === 0 || names.includes(n)))
  .filter((group) => group.length > 0);
// Browser process i waits for slot i: integration's processes give slots 0–1, network's slot 2.
const slotDir = join(snapshots, "slots");
const givers = { integration: 0, network: all.integration.concurrency };
const openSlots = (from, to) => {
  for (let i = from; i < to; i++) mkdirSync(join(slotDir, String(i)), { recursive: true });
};
// A slot no tier of this run gives is open from the start.
const given = Object.entries(givers).filter(([name]) => order.some((group) => group.includes(name)));
for (let i = 0; i < all.browser.concurrency; i++)
  if (!given.some(([name, first]) => i >= first && i < first + all[name].concurrency)) openSlots(i, i + 1);
const costs = join(snapshots, "costs.txt");
const took = [];
const failures = [];
let costliest = "";
try {
  for (const group of order) {
    const results = await Promise.all(
      group.map(async (name, i) => {
        const tier = all[name];
        let start = Date.now();
        const slots =
          name === "browser"
            ? { dir: slotDir, waits: true, first: 0 }
            : name in givers
              ? { dir: slotDir, waits: false, first: givers[name] }
              : null;
        const r = tier.commands
          ? await runScripts(tier.commands)
          : await run(tier.files, tier.concurrency, {
              ...tier,
              name,
              dir: snapshots,
              quiet: i > 0,
              slots,
              costs,
            });
        // However the tier ended, its slots are free now.
        if (name in givers) openSlots(givers[name], givers[name] + tier.concurrency);
        // The browser tier's time counts from its first slot.
        if (name === "browser")
          start = Math.min(...readdirSync(slotDir).map((n) => statSync(join(slotDir, n)).mtimeMs));
        const s = Math.round((Date.now() - start) / 1000);
        const what = tier.commands ? tier.commands.join(" + ") : `${tier.files.length} files`;
        took.push(`${name}: ${what}, ${s} s${r.status ? " (failed)" : ""}`);
        if (r.status)
          failures.push(
            `── ${name} ──\n${r.failures || `(exit ${r.status}, no failing tests listed: see above)\n`}`,
          );
        return r.status;
      }),
    );
    if (results.some(Boolean)) process.exitCode = 1;
  }
  if (existsSync(costs)) {
    const lines = readFileSync(costs, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    lines.sort((a, b) => Number(b[1]) - Number(a[1]));
    costliest = lines
      .slice(0, 10)
      .map(([file, cpu, wall]) => `  ${cpu.padStart(5)} s CPU  ${wall.padStart(5)} s  ${file}`)
      .join("\n");
  }
} finally {
  rmSync(snapshots, { recursive: true, force: true });
}
if (costliest) console.log(`\nthe costliest files (CPU: their process's and its children's):\n${costliest}`);
if (failures.length > 0) console.log(`\nwhat failed, again:\n${failures.join("\n")}`);
console.log(`\ntiers — ${took.join("; ")}; the whole run ${Math.round(process.uptime())} s`);
