// Vite serves the demo page (index.html) and the benchmark page (bench/index.html) from the same sources.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  server: { host: 'localhost', port: 5173 },
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
