// Loads shaders/*.wgsl from disk for Node (the CLI runs under tsx, which has no Vite `?raw` imports).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { libraryFromFiles, type ShaderLibrary, type ShaderLoader } from '../gpu/shaders.ts';

const SHADER_DIR = fileURLToPath(new URL('../../shaders/', import.meta.url));

let cached: ShaderLibrary | undefined;

/** The shader library read from the repository's shaders/ folder (read once per process). */
export const nodeShaderLoader: ShaderLoader = {
  load(): ShaderLibrary {
    if (!cached) {
      const files: Record<string, string> = {};
      for (const f of readdirSync(SHADER_DIR)) {
        if (f.endsWith('.wgsl')) files[f] = readFileSync(SHADER_DIR + f, 'utf8');
      }
      cached = libraryFromFiles(files);
    }
    return cached;
  },
};
