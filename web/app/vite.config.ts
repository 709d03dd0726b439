import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL("../dist", import.meta.url)), emptyOutDir: true, target: "es2022" },
  server: { proxy: { "/api": { target: "http://localhost:3000", ws: true } } },
});
