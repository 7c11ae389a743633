// Builds the dashboard to web/dist, served by the API at `/` under its strict CSP: no inline
// scripts or styles, no data: fonts, hashed asset names.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Small files stay files: the CSP allows data: for images only.
    assetsInlineLimit: 0,
    // The polyfill would be an inline script; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev:web`: the dev server is not CSP-clean (React Refresh injects an inline
    // script), so it runs on its own port and proxies the API.
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
