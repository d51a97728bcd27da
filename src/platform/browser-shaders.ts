// Bundles shaders/*.wgsl into the page through Vite's `?raw` imports (browser builds and vitest only).
import { libraryFromFiles, type ShaderLibrary, type ShaderLoader } from '../gpu/shaders.ts';

const files = import.meta.glob<string>('../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true });

/** The shader library Vite inlined at build time. */
export const browserShaderLoader: ShaderLoader = {
  load(): ShaderLibrary {
    return libraryFromFiles(files);
  },
};
