// Writes the web app's REST types (web/app/src/shared/api.gen.ts, `npm run gen:api`) when they are
// missing or older than what they are made from: the route schemas (src/api), the resources they
// describe (src/protocol), the composition root and the generator. The file is not committed (it is
// made, like web/dist), so `npm start`, `npm test` and `npm run typecheck` each call this first.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const GENERATED = "web/app/src/shared/api.gen.ts";
const INPUTS = ["src/api", "src/protocol", "src/app.ts", "scripts/gen-api.ts"];

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

const sources = Math.max(...INPUTS.map(newest));
if (!existsSync(GENERATED) || statSync(GENERATED).mtimeMs < sources) {
  console.log("earshot: writing the web app's API types (npm run gen:api)…");
  execSync("node --import tsx scripts/gen-api.ts", { stdio: "inherit" });
}
