// Runs every test file with node's test runner in two phases:
// 1. unit tests beside their code in src/ and the HTTP/API, deployment and SIP-less integration
//    tests (test/api, test/deploy): two files at a time — each starts its own servers on free
//    ports and databases in memory or on free ports, and most of their time is waiting;
// 2. browser, media, SIP and network tests (test/e2e, test/media, test/network, test/sip,
//    test/web) one file at a time: they measure audio in real browsers and share two cores.
// `node scripts/test.mjs FILE…` runs just those files, one at a time.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...find(path));
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out.sort();
}

function run(files, concurrency) {
  if (files.length === 0) return 0;
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files],
    { stdio: "inherit" },
  );
  return result.status ?? 1;
}

const only = process.argv.slice(2);
if (only.length > 0) process.exit(run(only, 1));
const PARALLEL = ["test/api", "test/deploy"];
const all = [...find("src"), ...find("test")];
const parallel = all.filter((f) => f.startsWith("src/") || PARALLEL.some((d) => f.startsWith(`${d}/`)));
const serial = all.filter((f) => !parallel.includes(f));
const first = run(parallel, 2);
const second = run(serial, 1);
process.exit(first || second);
