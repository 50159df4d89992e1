// Vite builds the bundle the gateway serves (gateway/gateway/web.py); `npm run dev` proxies the
// API to a gateway from `make up`, so the app and the API share an origin in both.
import { defineConfig } from "vitest/config";

const gateway = process.env.JARYO_GATEWAY_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    // Fonts and images stay files: the page's Content-Security-Policy allows no data: fonts.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      "/v1": gateway,
      "/openapi.json": gateway,
      "/app-config.json": gateway,
    },
  },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
