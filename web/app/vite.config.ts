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

// `vite build` is the production build. `--mode test` (npm run build:web:test, which also sets
// NODE_ENV=development so React's StrictMode checks run) compiles in the test hooks
// (web/app/src/shared/testHooks.ts): window.earshotLegs, earshotChimes, per-slot analysers.
export default defineConfig(({ mode }) => ({
  root,
  plugins: [react(), variant(mode === "test" ? "test" : "production")],
  define: { __EARSHOT_TEST_HOOKS__: JSON.stringify(mode === "test") },
  build: {
    outDir: fileURLToPath(new URL("../dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // The test build is unminified React (development): bigger, on purpose.
    chunkSizeWarningLimit: mode === "test" ? 2048 : 500,
  },
  server: { proxy: { "/api": { target: "http://localhost:3000", ws: true } } },
}));
