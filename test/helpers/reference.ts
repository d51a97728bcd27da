// Loads the numpy reference data that scripts/make_reference.py writes into test/reference/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../../src/model/npy.ts';
import type { Matrix } from '../../src/model/matrix.ts';

const DIR = fileURLToPath(new URL('../reference/', import.meta.url));

/** Reads test/reference/NAME as a matrix. */
export function referenceNpy(name: string): Matrix {
  return readNpy(readFileSync(DIR + name), name);
}

/** Reads test/reference/NAME as parsed JSON. */
export function referenceJson<T>(name: string): T {
  return JSON.parse(readFileSync(DIR + name, 'utf8')) as T;
}
