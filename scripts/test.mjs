// Runs lint, the type-checks and the test files with node's test runner, tier by tier (`npm test`
// runs them all; `static` — `npm run lint` then `npm run typecheck` — beside the unit tier):
//   unit         src/**/*.test.ts and test/unit/: pure — no socket, server, process or browser
//                (scripts/unit-guard.mjs makes one fail at once); as many files at a time as cores.
//   integration  the rest of test/ without a browser: real servers on free ports, PGlite (a pool
//                of databases from one migrated snapshot per run, test/support/databases.ts),
//                PostgreSQL, Redis, baresip, nginx; two processes (alone it keeps the 2 cores
//                ≈ 73 % busy: much of its time is waiting on sockets and timers).
//   browser      every file that drives Chromium or Firefox (it imports test/support/browser.ts,
//                web.ts or playwright), two processes: ≈ 85 % of 2 cores; more would take the
//                FFT checks' headroom.
//   network      test/network/: network namespaces, one process, beside the integration tier
//                (it mostly waits: TURN expiry, grace periods, ICE restarts).
// `node scripts/test.mjs unit integration` runs those tiers; `node scripts/test.mjs FILE…` just those
// files, one at a time; `node scripts/test.mjs --list` prints which file is in which tier.
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...find(path));
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out.sort();
}

const importsOf = (file) =>
  [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);

// What a unit test may not import (or reach through test/support): the guard stops the rest at run time.
const IMPURE =
  /^(node:)?(net|dgram|http|https|http2|tls|child_process)$|^(ws|pg|ioredis|playwright-core|fastify)$/;
const IMPURE_NAMES = /\b(RTCPeerConnection|createEarshot|startServer|buildHttp)\b/;

function impurity(file, seen = new Set()) {
  if (seen.has(file)) return [];
  seen.add(file);
  const specs = importsOf(file);
  const bad = specs.filter((s) => IMPURE.test(s));
  const name = readFileSync(file, "utf8").match(IMPURE_NAMES)?.[1];
  if (name) bad.push(name);
  // A test/support module it imports is held to the same rule (audio analysis is; a server is not).
  for (const spec of specs.filter((s) => s.startsWith("."))) {
    const target = resolve(dirname(file), spec);
    if (!relative("test/support", target).startsWith("..")) {
      bad.push(...impurity(target, seen).map((b) => `${b} (through ${relative(".", target)})`));
    }
  }
  return bad;
}

// Browser tests: the file, or a test/support module it imports, drives a browser.
const BROWSER = /(^|\/)(browser|browser-page|web|netns-chromium)\.ts$|^playwright-core$/;
const reach = new Map();
function drivesBrowser(file) {
  if (reach.has(file)) return reach.get(file);
  reach.set(file, false);
  const found = importsOf(file).some((spec) => {
    if (BROWSER.test(spec)) return true;
    if (!spec.startsWith(".")) return false;
    const target = resolve(dirname(file), spec);
    return relative("test/support", target).startsWith("..") ? false : drivesBrowser(target);
  });
  reach.set(file, found);
  return found;
}

function tiers() {
  const unit = [...find("src"), ...find("test/unit")];
  const rest = find("test").filter((f) => !f.startsWith("test/unit/"));
  const network = rest.filter((f) => f.startsWith("test/network/"));
  const browser = rest.filter((f) => !network.includes(f) && drivesBrowser(f));
  const integration = rest.filter((f) => !network.includes(f) && !browser.includes(f));
  return {
    // Lint and the two type-checks, one after the other (biome is quick, tsc uses ≈ 1.5 cores
    // for ≈ 20 s).
    static: { commands: ["lint", "typecheck"] },
    unit: { files: unit, concurrency: availableParallelism(), guard: true },
    integration: { files: integration, concurrency: 2, share: true },
    browser: { files: browser, concurrency: 2, share: true },
    network: { files: network, concurrency: 1, share: true },
  };
}

// A test process's own start (tsx, importing the app, werift and playwright, compiling PGlite's
// WebAssembly) costs ≈ 5–10 s of CPU: paid once per file, it was most of the integration tier's
// time on two cores. So beyond the unit tier, a tier's files share `concurrency` processes, all
// running at once: each takes the next file no other has taken (a claim is a mkdir, which only
// one process can make), imports it inside a suite named after the file, and runs its tests,
// until none is left. So the processes stay busy to the end (a fixed share each left one
// finishing minutes before the other). Every test file still works alone.
//
// Slots (`slots`): the browser tier starts beside the integration tier, but each of its processes
// waits for a slot before it takes a file, and each integration process gives one up when no file
// is left for it (the run gives up all of them when that tier ends, however it ends). So the
// browser tier takes over the cores one process at a time as the integration tier's last files
// run, instead of after the slower of them (≈ 1 min of one idle core), and it never runs more
// than two of those processes beside the network tier.
function shared(files, processes, dir, name, slots) {
  const count = Math.min(processes, files.length);
  const claims = mkdtempSync(join(dir, `${name}-claims-`));
  // One file at a time, imported inside its own suite, and the next claimed only once that suite's
  // after hook ran, i.e. its tests are done (a suite's callback runs as it is declared: awaiting
  // the import alone let the first process to start claim every file within seconds). A file
  // that fails to import fails its suite and the process goes on to the next.
  const urls = JSON.stringify(files.map((f) => [f, pathToFileURL(resolve(f)).href]));
  // A browser process first waits for its slot; an integration process gives its slot up in the
  // root's after hook, once its last file ran.
  const prelude = (slot) =>
    !slot
      ? ""
      : slots.waits
        ? `while (!existsSync(${JSON.stringify(slot)})) await new Promise((r) => setTimeout(r, 250));\n`
        : `after(() => mkdirSync(${JSON.stringify(slot)}, { recursive: true }));\n`;
  const body = (slot) => `import { existsSync, mkdirSync } from "node:fs";
import { after, describe } from "node:test";
${prelude(slot)}for (const [i, [name, url]] of ${urls}.entries()) {
  try {
    mkdirSync(${JSON.stringify(claims)} + "/" + i);
  } catch {
    continue; // another process has it
  }
  await new Promise((done) =>
    describe(name, () => {
      after(() => done());
      return import(url);
    }),
  );
}
`;
  const entries = Array.from({ length: count }, (_, i) => {
    const entry = join(dir, `${name}-${i + 1}-of-${count}.test.mjs`);
    writeFileSync(entry, body(slots ? join(slots.dir, String(i)) : null));
    return entry;
  });
  // A file no process claimed (they all stopped early) never ran: that fails the tier.
  const unclaimed = () => files.filter((_, i) => !existsSync(join(claims, String(i))));
  return { entries, unclaimed };
}

// Runs `npm run` scripts one after the other, output held (it runs beside the unit tier), until
// one fails; resolves as run() does.
async function runScripts(names) {
  for (const name of names) {
    const child = spawn("npm", ["run", "--silent", name], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const status = await new Promise((done) => child.on("close", (code) => done(code ?? 1)));
    process.stdout.write(`npm run ${name}: ${status ? `failed (exit ${status})` : "passed"}\n${out}`);
    if (status) return { status, failures: `npm run ${name} failed:\n${out}` };
  }
  return { status: 0, failures: "" };
}

// Runs the files in one node --test process, its output passed through as it comes (or, with
// `quiet`, held and printed whole when it ends, for a tier that runs beside another); resolves
// with its exit status and the reporter's closing "failing tests" section, repeated at the end
// of the run so that a failure's details are not lost above thousands of passing lines.
function run(
  files,
  concurrency,
  { guard = false, share = false, name = "", dir = "", quiet = false, slots = null } = {},
) {
  if (files.length === 0) return Promise.resolve({ status: 0, failures: "" });
  const group = share ? shared(files, concurrency, dir, name, slots) : null;
  const entries = group ? group.entries : files;
  const args = ["--import", "tsx", ...(guard ? ["--import", "./scripts/unit-guard.mjs"] : [])];
  args.push("--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...entries);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let held = "";
  child.stdout.on("data", (d) => {
    out += d;
    if (quiet) held += d;
    else process.stdout.write(d);
  });
  child.stderr.on("data", (d) => {
    if (quiet) held += d;
    else process.stderr.write(d);
  });
  return new Promise((done) =>
    child.on("close", (status) => {
      if (quiet) process.stdout.write(held);
      const at = out.lastIndexOf("failing tests:");
      let failures = at < 0 ? "" : out.slice(out.lastIndexOf("\n", at) + 1);
      const never = group ? group.unclaimed() : [];
      if (never.length > 0)
        failures += `never ran (their processes stopped first):\n  ${never.join("\n  ")}\n`;
      done({ status: status || (never.length > 0 ? 1 : 0), failures });
    }),
  );
}

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
// integration tier, and the browser tier's processes each starting as an integration process
// runs out of files (slots, above). Output of all but the first tier of a group is held until it
// ends. Named tiers run the same way (`integration browser` overlapping, as in the whole run).
// (Lint and the type-checks beside the integration tier instead, 12-04: no difference beyond the
// ≈ 35 s between clean-clone runs; here a lint error shows within a minute.)
const order = [
  ["unit", "static"],
  ["integration", "network", "browser"],
]
  .map((group) => group.filter((n) => names.length === 0 || names.includes(n)))
  .filter((group) => group.length > 0);
const slots = { dir: join(snapshots, "slots"), count: all.browser.concurrency };
const openSlots = () => {
  for (let i = 0; i < slots.count; i++) mkdirSync(join(slots.dir, String(i)), { recursive: true });
};
if (!order.some((group) => group.includes("integration"))) openSlots();
const took = [];
const failures = [];
try {
  for (const group of order) {
    const results = await Promise.all(
      group.map(async (name, i) => {
        const tier = all[name];
        let start = Date.now();
        const slotted = name === "integration" || name === "browser";
        const r = tier.commands
          ? await runScripts(tier.commands)
          : await run(tier.files, tier.concurrency, {
              ...tier,
              name,
              dir: snapshots,
              quiet: i > 0,
              slots: slotted ? { dir: slots.dir, waits: name === "browser" } : null,
            });
        // However the integration tier ended, its slots are free now.
        if (name === "integration") openSlots();
        // The browser tier's time counts from its first slot.
        if (name === "browser") start = statSync(join(slots.dir, "0")).mtimeMs;
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
} finally {
  rmSync(snapshots, { recursive: true, force: true });
}
if (failures.length > 0) console.log(`\nwhat failed, again:\n${failures.join("\n")}`);
console.log(`\ntiers — ${took.join("; ")}; the whole run ${Math.round(process.uptime())} s`);
