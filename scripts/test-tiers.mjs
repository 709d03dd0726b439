// The test files' tiers, for scripts/test.mjs: which file is a unit test (and whether it is
// pure), which drives a browser, and how many processes each tier runs.
//   unit         src/**/*.test.ts and test/unit/: pure — no socket, server, process or browser
//                (scripts/unit-guard.mjs makes one fail at once); as many files at a time as cores.
//   integration  the rest of test/ without a browser: real servers on free ports, PGlite (a pool
//                of databases from one migrated snapshot per run, test/support/databases.ts),
//                PostgreSQL, Redis, baresip, nginx; two processes (alone it keeps the 2 cores
//                ≈ 73 % busy: much of its time is waiting on sockets and timers).
//   browser      every file that drives Chromium or Firefox (it imports test/support/browser.ts,
//                web.ts or playwright), three processes, one per process of the tiers it takes
//                over from (scripts/test-processes.mjs, slots).
//   network      test/network/: network namespaces, one process, beside the integration tier
//                (it mostly waits: TURN expiry, grace periods, ICE restarts).
//   static       `npm run lint` then `npm run typecheck`, beside the unit tier.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve } from "node:path";

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

export function impurity(file, seen = new Set()) {
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

export function tiers() {
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
    // Three: one per process of the tiers before it (slots, below). Two alone left the cores
    // ≈ 35 % idle for minutes, all waiting on timers and audio.
    browser: { files: browser, concurrency: 3, share: true },
    network: { files: network, concurrency: 1, share: true },
  };
}
