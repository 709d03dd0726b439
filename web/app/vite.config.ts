import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Which variant web/dist holds ("production" or "test"): scripts/ensure-web.mjs reads it. */
export const VARIANT_FILE = "build-variant.txt";

function variant(name: string): Plugin {
  return {
    name: "earshot-build-variant",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: VARIANT_FILE, source: name });
    },
  };
}

// `vite build` is the production build. `--mode test` (npm run build:web:test) compiles in the
// test hooks (web/app/src/shared/testHooks.ts): window.earshotLegs, earshotChimes, per-slot
// analysers; with production React, which costs the browser tests ≈ 15 % less CPU than React's
// development build. The one file that needs StrictMode's double effects (test/web/live-store)
// builds the development variant for itself (test/support/devBuild.ts).
export default defineConfig(({ mode }) => ({
  root,
  plugins: [react(), variant(mode === "test" ? "test" : "production")],
  define: { __EARSHOT_TEST_HOOKS__: JSON.stringify(mode === "test") },
  build: {
    outDir: fileURLToPath(new URL("../dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // The development variant (test/support/devBuild.ts) is unminified React: bigger, on purpose.
    chunkSizeWarningLimit: process.env.NODE_ENV === "development" ? 2048 : 500,
  },
  server: { proxy: { "/api": { target: "http://localhost:3000", ws: true } } },
}));
