// Builds of the web app into a temporary folder, so web/dist is left as it is (serve one with
// startServer's `webRoot`): `npm run build:web:test` uses production React, which costs the
// browser tests ≈ 15 % less CPU, so the file that needs StrictMode's double effects (they run only
// in development React) builds the development variant here; test/web/bundle.test.ts builds
// both modes to read what they carry.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));

/** Builds the web app in Vite `mode` with React's `react` variant; returns its folder. */
export function buildWebApp(mode: "production" | "test", react: "production" | "development"): string {
  const out = mkdtempSync(join(tmpdir(), `earshot-web-${mode}-${react}-`));
  execFileSync(
    join(repo, "node_modules/.bin/vite"),
    ["build", "--config", "web/app/vite.config.ts", "--mode", mode, "--outDir", out, "--logLevel", "error"],
    { cwd: repo, env: { ...process.env, NODE_ENV: react }, stdio: "inherit" },
  );
  return out;
}

/** The test build with React's development variant (StrictMode's checks); returns its folder. */
export function buildDevWebApp(): string {
  return buildWebApp("test", "development");
}
