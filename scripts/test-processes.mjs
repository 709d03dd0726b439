// How scripts/test.mjs runs a tier's files: node's test runner in child processes, shared by a
// tier's files (claims), started as slots free up, each file's cost recorded.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

// A test process's own start (tsx, importing the app, werift and playwright, compiling PGlite's
// WebAssembly) costs ≈ 5–10 s of CPU: paid once per file, it was most of the integration tier's
// time on two cores. So beyond the unit tier, a tier's files share `concurrency` processes, all
// running at once: each takes the next file no other has taken (a claim is a mkdir, which only
// one process can make), imports it inside a suite named after the file, and runs its tests,
// until none is left. So the processes stay busy to the end (a fixed share each left one
// finishing minutes before the other). Every test file still works alone.
//
// Slots (`slots`): the browser tier starts beside the integration and network tiers, but each of
// its processes waits for a slot before it takes a file, and each process of those two tiers gives
// one up when no file is left for it (the run gives up a tier's slots when it ends, however it
// ends). So the browser tier takes over the cores one process at a time as the others run out of
// files, instead of after the slowest of them (≈ 1 min of one idle core), and never more
// processes run than the integration and network tiers had.
//
// Each file's cost, CPU (its process's and its reaped children's: servers, browsers) and wall
// seconds, goes to `costs`; the run prints the costliest.
function shared(files, processes, dir, name, slots, costs) {
  const count = Math.min(processes, files.length);
  const claims = mkdtempSync(join(dir, `${name}-claims-`));
  // One file at a time, imported inside its own suite, and the next claimed only once that suite's
  // after hook ran, i.e. its tests are done (a suite's callback runs as it is declared: awaiting
  // the import alone let the first process to start claim every file within seconds). A file
  // that fails to import fails its suite and the process goes on to the next.
  const urls = JSON.stringify(files.map((f) => [f, pathToFileURL(resolve(f)).href]));
  // A browser process first waits for its slot; an integration or network process gives its slot
  // up in the root's after hook, once its last file ran.
  const prelude = (slot) =>
    !slot
      ? ""
      : slots.waits
        ? `while (!existsSync(${JSON.stringify(slot)})) await new Promise((r) => setTimeout(r, 250));\n`
        : `after(() => mkdirSync(${JSON.stringify(slot)}, { recursive: true }));\n`;
  const body = (slot) => `import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { after, describe } from "node:test";
// utime, stime, cutime, cstime (/proc/PID/stat), in seconds
const cpu = () => readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ").slice(11, 15)
  .reduce((sum, ticks) => sum + Number(ticks), 0) / 100;
${prelude(slot)}for (const [i, [name, url]] of ${urls}.entries()) {
  try {
    mkdirSync(${JSON.stringify(claims)} + "/" + i);
  } catch {
    continue; // another process has it
  }
  const [cpu0, wall0] = [cpu(), Date.now()];
  await new Promise((done) =>
    describe(name, () => {
      after(() => {
        const cost = [name, (cpu() - cpu0).toFixed(1), ((Date.now() - wall0) / 1000).toFixed(1)];
        appendFileSync(${JSON.stringify(costs)}, cost.join(" ") + "\\n");
        done();
      });
      return import(url);
    }),
  );
}
`;
  const entries = Array.from({ length: count }, (_, i) => {
    const entry = join(dir, `${name}-${i + 1}-of-${count}.test.mjs`);
    writeFileSync(entry, body(slots ? join(slots.dir, String(slots.first + i)) : null));
    return entry;
  });
  // A file no process claimed (they all stopped early) never ran: that fails the tier.
  const unclaimed = () => files.filter((_, i) => !existsSync(join(claims, String(i))));
  return { entries, unclaimed };
}

// Runs `npm run` scripts one after the other, output held (it runs beside the unit tier), until
// one fails; resolves as run() does.
export async function runScripts(names) {
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
export function run(
  files,
  concurrency,
  { guard = false, share = false, name = "", dir = "", quiet = false, slots = null, costs = "" } = {},
) {
  if (files.length === 0) return Promise.resolve({ status: 0, failures: "" });
  const group = share ? shared(files, concurrency, dir, name, slots, costs) : null;
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
