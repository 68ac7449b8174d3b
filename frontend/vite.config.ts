/// <reference types="vitest/config" />
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The FastAPI backend serves `dist/` at `/`; in development Vite proxies the API to it.
const backend = process.env.FLOWML_BACKEND ?? "http://127.0.0.1:8000";

const proxy = {
  "/api": { target: backend, changeOrigin: true },
  "/health": { target: backend, changeOrigin: true },
  "/ws": { target: backend, changeOrigin: true, ws: true },
};

export default defineConfig({
  base: "/",
  plugins: [react(), tailwindcss()],
  server: { proxy },
  preview: { proxy },
  build: { outDir: "dist", emptyOutDir: true },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
