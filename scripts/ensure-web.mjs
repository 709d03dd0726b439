// Builds the web app (web/dist) when it is missing, older than its sources, or the other
// variant: `npm start` wants the production build, `npm test` (and the browser tests' support,
// with --test) the test build, which compiles in the hooks the tests read (shared/testHooks.ts).
// web/dist/build-variant.txt says which one is there.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

// The REST types (api.gen.ts, scripts/ensure-api.mjs) are imported as types only: the bundle does
// not change with them.
const TYPES_ONLY = join("web", "app", "src", "shared", "api.gen.ts");

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (p === TYPES_ONLY) continue;
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

const wanted = process.argv.includes("--test") ? "test" : "production";
const built = "web/dist/index.html";
const variantFile = "web/dist/build-variant.txt";
const variant = existsSync(variantFile) ? readFileSync(variantFile, "utf8").trim() : null;
const sources = Math.max(newest("web/app"), newest("web/src"), newest("src/protocol"));
if (!existsSync(built) || statSync(built).mtimeMs < sources || variant !== wanted) {
  console.log(`earshot: building the web app (${wanted})…`);
  execSync(wanted === "test" ? "npm run build:web:test" : "npm run build:web", { stdio: "inherit" });
}
