// No source file over 300 lines (STYLE.md: split a file before it mixes concerns). Checked in
// `npm run lint` over everything we write: src, web, test, bench and scripts. The generated REST
// types (web/app/src/shared/api.gen.ts, made by scripts/ensure-api.mjs, not committed) are not ours.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const LIMIT = 300;
const ROOTS = ["src", "web/app/src", "web/src", "test", "bench", "scripts"];
const SOURCE = /\.(ts|tsx|mjs|cjs|js)$/;
const GENERATED = new Set(["web/app/src/shared/api.gen.ts"]);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (SOURCE.test(name) && !GENERATED.has(path)) yield path;
  }
}

const over = [];
for (const root of ROOTS) {
  for (const path of files(root)) {
    const lines = readFileSync(path, "utf8").split("\n").length - 1;
    if (lines > LIMIT) over.push(`${path}: ${lines} lines`);
  }
}
if (over.length > 0) {
  console.error(`files over ${LIMIT} lines (split them by concern):\n  ${over.join("\n  ")}`);
  process.exit(1);
}
console.log(`sizes: no source file over ${LIMIT} lines`);
