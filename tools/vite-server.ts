// Starts the project's Vite dev server programmatically on a free localhost port, for benchmarks and e2e tests.
import { fileURLToPath } from 'node:url';
import { createServer, type InlineConfig, type ViteDevServer } from 'vite';

/** The repository root, where vite.config.ts and index.html live. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A running dev server and the origin it serves on. */
export interface RunningVite {
  readonly server: ViteDevServer;
  /** e.g. `http://localhost:41234` (a secure context, so navigator.gpu exists). */
  readonly origin: string;
  close(): Promise<void>;
}

/** Options of {@link startVite}. */
export interface StartViteOptions {
  /**
   * Serve with COOP/COEP headers so the page is cross-origin isolated: SharedArrayBuffer, and with it
   * multithreaded wasm (ONNX Runtime's threads), is only available then.
   */
  readonly crossOriginIsolated?: boolean;
  /** Config merged over vite.config.ts. */
  readonly overrides?: InlineConfig;
}

/** Starts Vite with the repository's vite.config.ts on port 0 (the OS picks a free one). */
export async function startVite(options: StartViteOptions = {}): Promise<RunningVite> {
  const headers = options.crossOriginIsolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : undefined;
  const server = await createServer({
    root: REPO_ROOT,
    logLevel: 'warn',
    clearScreen: false,
    ...options.overrides,
    // No HMR and no watcher: files edited meanwhile must not reload a page in the middle of a measurement.
    server: { host: 'localhost', port: 0, strictPort: false, hmr: false, watch: null, headers, ...options.overrides?.server },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('Vite started without a TCP address.');
  return { server, origin: `http://localhost:${address.port}`, close: () => server.close() };
}
