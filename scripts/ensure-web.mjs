// Builds the web app (web/dist) when it is missing or older than its sources, so that
// `npm start` and `npm test` always serve the current UI.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

const built = "web/dist/index.html";
const sources = Math.max(newest("web/app"), newest("web/src"), newest("src/protocol"));
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log("earshot: building the web app…");
  execSync("npm run build:web", { stdio: "inherit" });
}
