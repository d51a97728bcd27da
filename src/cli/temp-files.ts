// The mechanics under outputs.ts's policy: temporary files that are removed whatever happens (process exit,
// which interrupt.ts makes every signal go through), written whole or streamed as lines, and moved into place
// without ever replacing a file that appeared meanwhile.
import { chmodSync, closeSync, existsSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { extname } from 'node:path';

// Temporary files that exist right now, so that process.exit() (a second Ctrl-C) removes them too.
const liveTemps = new Set<string>();
let exitHookInstalled = false;

/**
 * Moves the temporary file `temp` to `path` and returns where it went. Without force, link() (which fails when the
 * target exists) makes the no-overwrite check and the move one atomic step (rename() would replace a file made
 * meanwhile), and a taken name moves the file to `name-2.ext`, `name-3.ext`, …; `fail` turns an error into the
 * caller's sentence.
 */
export function placeFile(temp: string, path: string, force: boolean, fail: (err: unknown) => never): string {
  if (force) {
    try {
      renameSync(temp, path);
    } catch (err) {
      fail(err);
    }
    liveTemps.delete(temp);
    return path;
  }
  for (let n = 1; ; n++) {
    const target = n === 1 ? path : numbered(path, n);
    try {
      linkSync(temp, target);
      removeTemp(temp);
      return target;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // A file system without hard links (FAT, some network mounts): check, then rename; the window is tiny.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS' || code === 'EMLINK') {
        if (existsSync(target)) continue;
        try {
          renameSync(temp, target);
        } catch (renameErr) {
          fail(renameErr);
        }
        liveTemps.delete(temp);
        return target;
      }
      fail(err);
    }
  }
}

/** `model.json` → `model-2.json`. */
function numbered(path: string, n: number): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-${n}${ext}`;
}

/** Remembers a temporary file so that process exit removes it if it is still there. */
export function trackTemp(temp: string): void {
  liveTemps.add(temp);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    const removeAll = (): void => {
      for (const t of liveTemps) removeTemp(t);
    };
    // interrupt.ts turns every signal into process.exit(), so this runs then too.
    process.on('exit', removeAll);
  }
}

/** Lines into `path`, a newline after each, in writes of about 1 MB: no string ever holds the whole file. */
export function writeLines(path: string, lines: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    let chunk: string[] = [];
    let size = 0;
    for (const line of lines) {
      chunk.push(line, '\n');
      size += line.length + 1;
      if (size >= 1 << 20) {
        writeSync(fd, chunk.join(''));
        chunk = [];
        size = 0;
      }
    }
    writeSync(fd, chunk.join(''));
  } finally {
    closeSync(fd);
  }
}

/** Removes a temporary file (if it is still there) and forgets it. */
export function removeTemp(temp: string): void {
  liveTemps.delete(temp);
  try {
    unlinkSync(temp);
  } catch {
    // already gone
  }
}

/** Sets a file's mode where the file system has modes. */
export function tryChmod(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch {
    // a file system without modes: the default is fine
  }
}
