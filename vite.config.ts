// Vite serves the demo page (index.html) and the benchmark page (bench/index.html) from the same sources.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Cross-origin isolation, so the page's fast pool shares the training data with its workers in one
// SharedArrayBuffer (and ORT's wasm may use threads); everything the pages load is same-origin.
const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  server: { host: 'localhost', port: 5173, headers: isolated },
  preview: { headers: isolated },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        demo: resolve(import.meta.dirname, 'index.html'),
        bench: resolve(import.meta.dirname, 'bench/index.html'),
      },
    },
  },
  worker: { format: 'es' },
});
