// The SwiftShader and headless Chromium that the devDependency @sparticuz/chromium ships, brotli-compressed tars
// unpacked once into node_modules/.cache/spotify-mlp/ under a cross-process lock (parallel test workers share it).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';

/** The installed @sparticuz/chromium package folder, or null when it is not installed (it is a devDependency). */
function sparticuzDir(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
    let dir = dirname(entry);
    while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin'))) {
      const up = dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
    return dir;
  } catch {
    return null;
  }
}

/** The cache folder beside the installed package: `<project>/node_modules/.cache/spotify-mlp/chromium-<version>`. */
function cacheDir(pkgDir: string): string {
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const marker = `${sep}node_modules${sep}`;
  const at = pkgDir.lastIndexOf(marker);
  const modules = at >= 0 ? pkgDir.slice(0, at + marker.length - 1) : join(pkgDir, 'node_modules');
  return join(modules, '.cache', 'spotify-mlp', `chromium-${version}`);
}

// A plain ustar reader: the three archives hold regular files and folders only (checked, anything else throws).
function untar(tar: Buffer, into: string): void {
  let offset = 0;
  let longName: string | null = null;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number): string => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    const prefix = field(345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = null;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x' || type === 'g') continue; // pax metadata: the names here are short
    name = normalize(name);
    if (name.startsWith('..') || name.startsWith(sep)) throw new Error(`Refusing to unpack ${name} outside ${into}.`);
    const target = join(into, name);
    if (type === '5') mkdirSync(target, { recursive: true });
    else if (type === '0' || type === '\0') {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, body, { mode: parseInt(field(100, 8).trim() || '644', 8) & 0o777 });
    } else throw new Error(`Unexpected tar entry type '${type}' for ${name}.`);
  }
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fill(tmp)` once per `dir`: under an exclusive lock file (so parallel test workers do not unpack the same
 * 200 MB at once), into a temporary folder that is renamed into place, so a crash never leaves half a folder.
 */
function extractOnce(dir: string, fill: (tmp: string) => void): string {
  if (existsSync(dir)) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      writeFileSync(lock, String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (existsSync(dir)) return dir;
      const owner = Number.parseInt(readFileSync(lock, 'utf8') || '0', 10);
      const age = Date.now() - statSync(lock).mtimeMs;
      // A lock whose owner died (or that never got its pid written within 10 s) is stale.
      if ((owner > 0 && !processAlive(owner)) || (owner === 0 && age > 10_000)) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}; remove it if no other process is unpacking.`, { cause: e });
      else sleep(200);
    }
  }
  try {
    if (existsSync(dir)) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    fill(tmp);
    renameSync(tmp, dir);
    return dir;
  } finally {
    rmSync(lock, { force: true });
  }
}

const unbrotli = (file: string): Buffer => brotliDecompressSync(readFileSync(file));

/** Unpacks @sparticuz/chromium's SwiftShader (libvk_swiftshader.so, libvulkan.so.1, the ICD) once; null when not installed. */
export function bundledSwiftShaderDir(): string | null {
  const pkg = sparticuzDir();
  if (!pkg) return null;
  return extractOnce(join(cacheDir(pkg), 'swiftshader'), (tmp) => untar(unbrotli(join(pkg, 'bin', 'swiftshader.tar.br')), tmp));
}

/** Unpacks @sparticuz/chromium's headless Chromium, with SwiftShader beside it and its NSS libraries in lib/; null when not installed. */
export function bundledChromiumDir(): string | null {
  const pkg = sparticuzDir();
  if (!pkg) return null;
  return extractOnce(join(cacheDir(pkg), 'chromium'), (tmp) => {
    writeFileSync(join(tmp, 'chromium'), unbrotli(join(pkg, 'bin', 'chromium.br')), { mode: 0o755 });
    untar(unbrotli(join(pkg, 'bin', 'swiftshader.tar.br')), tmp); // Chromium looks for libvk_swiftshader.so beside itself
    untar(unbrotli(join(pkg, 'bin', 'al2023.tar.br')), tmp);
  });
}
