// File input for the CLI commands, and the one sentence for every failure of the file system; every file a command
// writes goes through the write policy in outputs.ts.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import type { Matrix } from '../model/matrix.ts';
import { type NpyArray, readNpy, readNpyArray } from '../model/npy.ts';

/** The error codes of Node's fs that mean "the user's path is wrong", not "we have a bug". */
const FILE_ERROR_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ENOSPC', 'EROFS', 'EEXIST', 'ENAMETOOLONG', 'ELOOP']);

/** True for a Node file-system error (ENOENT, EACCES, …) that is the user's to fix. */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && FILE_ERROR_CODES.has((err as NodeJS.ErrnoException).code as string);
}

/**
 * One sentence for a file-system error: `what` names the file's role ("the model file"), `path` the file.
 * `doing` is "read" or "write".
 */
export function fileErrorMessage(err: NodeJS.ErrnoException, what: string, path: string, doing: 'read' | 'write'): string {
  const where = `${what} '${path}'`;
  switch (err.code) {
    case 'ENOENT':
      return doing === 'read'
        ? `Cannot read ${where}: it does not exist; check the path.`
        : `Cannot write ${where}: its folder does not exist; create it or choose another path.`;
    case 'EACCES':
    case 'EPERM':
      return `Cannot ${doing} ${where}: permission denied; check the file's permissions.`;
    case 'EISDIR':
      return `Cannot ${doing} ${where}: it is a folder, not a file.`;
    case 'ENOTDIR':
      return `Cannot ${doing} ${where}: a part of the path is a file, not a folder.`;
    case 'ENOSPC':
      return `Cannot write ${where}: the disk is full.`;
    case 'EROFS':
      return `Cannot write ${where}: the file system is read-only.`;
    case 'EEXIST':
      return `Cannot create ${where}: a file with that name is in the way.`;
    default:
      return `Cannot ${doing} ${where} (${err.code}).`;
  }
}

/** Reads a whole file; `what` names it in errors, e.g. `readInputFile('X.npy', 'the input')`. */
export function readInputFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    if (isFileSystemError(err)) throw new UserError(fileErrorMessage(err, what, path, 'read'), { cause: err });
    throw err;
  }
}

/** Reads a whole UTF-8 text file with the same errors as {@link readInputFile}. */
export function readTextFile(path: string, what: string): string {
  return new TextDecoder('utf-8').decode(readInputFile(path, what));
}

/** Reads a .npy file (float32 or float64, C order) as a matrix; a malformed file is a one-sentence UserError. */
export function readNpyFile(path: string, what: string): Matrix {
  // readNpy's messages open with the label, so it starts with a capital.
  const label = `${what.charAt(0).toUpperCase()}${what.slice(1)} '${path}'`;
  return readNpy(readInputFile(path, what), label);
}

/** Like {@link readNpyFile}, keeping the shape the file's header gives (1-D or 2-D). */
export function readNpyArrayFile(path: string, what: string): NpyArray {
  const label = `${what.charAt(0).toUpperCase()}${what.slice(1)} '${path}'`;
  return readNpyArray(readInputFile(path, what), label);
}
