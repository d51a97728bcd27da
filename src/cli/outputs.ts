// The one policy for every file a command writes: refuse an existing file without --force, never write over an
// input, check every output before the work starts, and write atomically (a temporary file beside it, then a rename).
//
// Use: `const outputs = reserveOutputs([{ path, what }], { force, inputs })` before the work (it checks every path
// and creates an empty temporary file beside each, so an unwritable folder fails now, not after an hour of
// training), then `outputs.write(path, bytes)` for each, `outputs.commit()` at the end, and `outputs.discard()` in a
// `finally`. A run that fails or is killed leaves no file, whole or partial: commit() is the only step that puts a
// file in place, and the temporary files (and folders the plan created) go on failure and on process.exit().
// A command that writes a folder of files (forward, prepare, sweep) lists each file of the folder.
import { mkdirSync, openSync, closeSync, rmdirSync, statSync, type Stats, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { fileErrorMessage, isFileSystemError } from './io.ts';
import { nextTurn } from './interrupt.ts';
import { placeFile, removeTemp, trackTemp, tryChmod, writeLines } from './temp-files.ts';

/** A file a command will write; `what` names its role in messages ("the model file"). */
export interface OutputSpec {
  readonly path: string;
  readonly what: string;
  /** A file name to suggest when the path names a folder, e.g. `model.json`. */
  readonly example?: string;
}

/** A file a command reads; an output may never be the same file (same device and inode), even with --force. */
export interface InputSpec {
  /** Undefined for an input the user did not give (e.g. no --csv). */
  readonly path: string | undefined;
  readonly what: string;
}

/** Options of {@link reserveOutputs}. */
export interface OutputOptions {
  /** Overwrite existing outputs (the user passed --force). */
  readonly force: boolean;
  /** The files the command reads. */
  readonly inputs?: readonly InputSpec[];
  /** The flag that names the outputs, for the advice in messages (default `--out`). */
  readonly outFlag?: string;
}

/** Reserved outputs: write each, then commit them all, or discard them all. */
export interface Outputs {
  /**
   * Writes the whole content of one reserved output into its temporary file (nothing is in place yet): bytes, a
   * string, or lines (each followed by a newline) streamed in chunks, so no single string has to hold a large file.
   */
  write(path: string, data: Uint8Array | string | Iterable<string>): void;
  /**
   * Puts every written file in place (a rename each, in the order reserved) and returns their paths. Without
   * --force a file that appeared while the command worked is never overwritten: the result is kept beside it
   * under a free name, and a UserError says where.
   */
  commit(): string[];
  /** Removes every temporary file and every folder the reservation created; a no-op after commit(). */
  discard(): void;
}

interface Slot {
  readonly spec: OutputSpec;
  readonly temp: string;
  written: boolean;
}

/**
 * Checks every output and reserves a temporary file beside each (see the file comment). Throws one sentence for
 * the first problem: a path that names a folder, an existing file without --force (all of them listed), a path
 * that is one of the inputs, or a folder that cannot be created or written.
 */
export function reserveOutputs(specs: readonly OutputSpec[], options: OutputOptions): Outputs {
  const outFlag = options.outFlag ?? '--out';
  const seen = new Set<string>();
  for (const spec of specs) {
    const key = resolve(spec.path);
    if (seen.has(key)) throw new Error(`Output '${spec.path}' is listed twice.`); // our bug, not the user's
    seen.add(key);
  }
  const inputs = (options.inputs ?? []).flatMap((input) => {
    const stats = input.path === undefined ? undefined : statOrUndefined(input.path);
    return stats === undefined ? [] : [{ ...input, stats }];
  });

  const existing: OutputSpec[] = [];
  const existingStats = new Map<OutputSpec, Stats>();
  for (const spec of specs) {
    if (spec.path === '' || /[\\/]$/.test(spec.path)) {
      throw new UserError(`Cannot write ${spec.what} '${spec.path}': the path names a folder; give a file name${example(spec)}.`);
    }
    const stats = statOrUndefined(spec.path);
    if (stats === undefined) continue;
    if (stats.isDirectory()) {
      throw new UserError(`Cannot write ${spec.what} '${spec.path}': it is a folder, not a file; give a file name${example(spec)}.`);
    }
    const input = inputs.find((i) => i.stats.dev === stats.dev && i.stats.ino === stats.ino);
    if (input !== undefined) {
      const same = input.path === spec.path ? '' : ` ('${input.path}')`;
      throw new UserError(`Cannot write ${spec.what} '${spec.path}': it is ${input.what}${same} this command reads; choose another ${outFlag}.`);
    }
    if (!stats.isFile()) {
      throw new UserError(`Cannot write ${spec.what} '${spec.path}': it is not a regular file (a device, pipe or socket); choose another ${outFlag}.`);
    }
    existing.push(spec);
    existingStats.set(spec, stats);
  }
  if (existing.length > 0 && !options.force) throw alreadyExists(existing, outFlag);

  const createdDirs: string[] = [];
  const slots: Slot[] = [];
  let open = true;
  const discard = (): void => {
    if (!open) return;
    open = false;
    for (const slot of slots) removeTemp(slot.temp);
    // Deepest first; a folder someone else has put a file into meanwhile stays (rmdir refuses a non-empty one).
    for (const dir of createdDirs.reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // not empty, or already gone: leave it
      }
    }
  };
  try {
    for (const spec of specs) {
      const folder = dirname(spec.path);
      createdDirs.push(...makeFolder(folder, spec));
      // Hidden, unique per process and attempt, and short enough for any file system's name limit.
      const temp = join(folder, `.${basename(spec.path).slice(0, 100)}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
      try {
        closeSync(openSync(temp, 'wx', 0o666));
      } catch (err) {
        throw reserveError(err, spec, folder, outFlag);
      }
      trackTemp(temp);
      slots.push({ spec, temp, written: false });
      // An overwritten file keeps its permissions, as it would with an in-place write.
      const old = existingStats.get(spec);
      if (old !== undefined) tryChmod(temp, old.mode & 0o7777);
    }
  } catch (err) {
    discard();
    throw err;
  }

  const slotOf = (path: string): Slot => {
    const slot = slots.find((s) => resolve(s.spec.path) === resolve(path));
    if (slot === undefined) throw new Error(`'${path}' was not reserved as an output.`);
    return slot;
  };
  return {
    write(path, data) {
      if (!open) throw new Error('These outputs were already committed or discarded.');
      const slot = slotOf(path);
      try {
        if (typeof data === 'string' || data instanceof Uint8Array) writeFileSync(slot.temp, data);
        else writeLines(slot.temp, data);
      } catch (err) {
        if (isFileSystemError(err)) throw new UserError(fileErrorMessage(err, slot.spec.what, slot.spec.path, 'write'), { cause: err });
        throw err;
      }
      slot.written = true;
    },
    commit() {
      if (!open) throw new Error('These outputs were already committed or discarded.');
      const missing = slots.filter((s) => !s.written);
      if (missing.length > 0) throw new Error(`Outputs never written: ${missing.map((s) => s.spec.path).join(', ')}.`);
      const movedAside: string[] = [];
      for (const slot of slots) {
        const placed = placeFile(slot.temp, slot.spec.path, options.force, (err) => {
          if (isFileSystemError(err)) throw new UserError(fileErrorMessage(err, slot.spec.what, slot.spec.path, 'write'), { cause: err });
          throw err;
        });
        if (placed !== slot.spec.path) movedAside.push(`'${slot.spec.path}' appeared while this command worked, so its result was saved as '${placed}'`);
      }
      open = false;
      if (movedAside.length > 0) {
        throw new UserError(`${movedAside.join('; ')}; nothing was overwritten (pass --force to allow it).`);
      }
      return slots.map((s) => s.spec.path);
    },
    discard,
  };
}

/**
 * Runs `body` with the outputs reserved, commits them when it returns and discards them when it throws; returns
 * what `body` returned and the paths written.
 */
export async function withOutputs<T>(
  specs: readonly OutputSpec[],
  options: OutputOptions,
  body: (outputs: Pick<Outputs, 'write'>) => Promise<T> | T,
): Promise<{ result: T; written: string[] }> {
  const outputs = reserveOutputs(specs, options);
  try {
    const result = await body(outputs);
    // A signal that came while the work computed without a turn of the event loop (the CPU backends) is read here,
    // so it ends the command before any file is put in place.
    await nextTurn();
    return { result, written: outputs.commit() };
  } finally {
    outputs.discard();
  }
}

// The folder exists by now, so a failure to create a file in it is about the folder, and says so.
function reserveError(err: unknown, spec: OutputSpec, folder: string, outFlag: string): unknown {
  if (!isFileSystemError(err)) return err;
  const where = `Cannot write ${spec.what} '${spec.path}'`;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return new UserError(`${where}: the folder '${folder}' is not writable (permission denied); choose another ${outFlag}.`, { cause: err });
    case 'ENOENT':
      return new UserError(`${where}: files cannot be created in '${folder}'; choose another ${outFlag}.`, { cause: err });
    default:
      return new UserError(fileErrorMessage(err, spec.what, spec.path, 'write'), { cause: err });
  }
}

function alreadyExists(existing: readonly OutputSpec[], outFlag: string): UserError {
  const folders = new Set(existing.map((s) => dirname(s.path)));
  if (existing.length > 1 && folders.size === 1) {
    const [folder] = folders;
    return new UserError(
      `${folder} already holds ${existing.map((s) => basename(s.path)).join(', ')}; pass --force to overwrite them or choose another ${outFlag}.`,
    );
  }
  const names = existing.map((s) => s.path);
  return new UserError(
    `${names.join(', ')} already exist${names.length > 1 ? '' : 's'}; pass --force ` +
      `to overwrite ${names.length > 1 ? 'them' : 'it'} or choose another ${outFlag}.`,
  );
}

/** Creates `folder` and its missing parents; returns the folders it created, outermost first. */
function makeFolder(folder: string, spec: OutputSpec): string[] {
  const missing: string[] = [];
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    const stats = statOrUndefined(dir);
    if (stats !== undefined) {
      if (!stats.isDirectory()) {
        throw new UserError(`Cannot write ${spec.what} '${spec.path}': '${relativeName(folder, dir)}' is a file, not a folder.`);
      }
      break;
    }
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  try {
    for (const dir of missing) mkdirSync(dir);
  } catch (err) {
    for (const dir of [...missing].reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // not made, or not empty
      }
    }
    if (isFileSystemError(err)) throw new UserError(fileErrorMessage(err, `the folder of ${spec.what}`, folder, 'write'), { cause: err });
    throw err;
  }
  return missing;
}

// The blocking path as the user wrote it where possible (`a-file` rather than /tmp/x/a-file).
function relativeName(folder: string, blocking: string): string {
  let shown = folder;
  while (shown !== '.' && resolve(shown) !== blocking && dirname(shown) !== shown) shown = dirname(shown);
  return resolve(shown) === blocking ? shown : blocking;
}

function example(spec: OutputSpec): string {
  return spec.example === undefined || spec.path === '' ? '' : ` such as ${join(spec.path, spec.example)}`;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw isFileSystemError(err) ? new UserError(fileErrorMessage(err, 'the file', path, 'read'), { cause: err }) : err;
  }
}
