// React's development build of the web app, with the test hooks, for the file that needs
// StrictMode's double effects (they run only in development React): the browser tests' own
// build (npm run build:web:test) uses production React, which costs them ≈ 15 % less CPU.
// Built into a temporary folder, so web/dist is left as it is; serve it with startServer's
// `webRoot`.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));

/** Builds the development variant; returns its folder. */
export function buildDevWebApp(): string {
  const out = mkdtempSync(join(tmpdir(), "earshot-web-dev-"));
  execFileSync(
    join(repo, "node_modules/.bin/vite"),
    ["build", "--config", "web/app/vite.config.ts", "--mode", "test", "--outDir", out, "--logLevel", "error"],
    { cwd: repo, env: { ...process.env, NODE_ENV: "development" }, stdio: "inherit" },
  );
  return out;
}
