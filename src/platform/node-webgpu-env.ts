// Where WebGPU comes from on a machine without a GPU, in Node: the system's SwiftShader (Debian's chromium) or the
// one @sparticuz/chromium ships, unpacked once into node_modules/.cache; and the headless Chromium to drive pages.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';

/** Debian's chromium package installs this Vulkan ICD for SwiftShader, a CPU implementation of Vulkan. */
export const SYSTEM_SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Where Debian's chromium package puts the browser. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** `SPOTIFY_MLP_SWIFTSHADER` / `SPOTIFY_MLP_CHROMIUM`: `system` or `bundled` forces a source; unset or `auto` prefers the system. */
export type SourceChoice = 'auto' | 'system' | 'bundled';

/** Where a SwiftShader Vulkan driver was found: its ICD file, and the folder the process must have on LD_LIBRARY_PATH. */
export interface SwiftShaderLocation {
  readonly source: 'system' | 'bundled';
  readonly icd: string;
  /** The folder holding libvulkan.so.1 (bundled only: the loader Dawn opens when the system has none). */
  readonly libDir: string | null;
}

/** A headless Chromium to launch, and the environment it needs. */
export interface ChromiumLocation {
  readonly source: 'system' | 'bundled' | 'env';
  readonly executablePath: string;
  /** Variables to add to the browser's environment (the bundled one needs its NSS libraries on LD_LIBRARY_PATH). */
  readonly env: Readonly<Record<string, string>>;
}

function choiceOf(variable: string): SourceChoice {
  const value = (process.env[variable] ?? 'auto').trim().toLowerCase();
  if (value === '' || value === 'auto') return 'auto';
  if (value === 'system' || value === 'bundled') return value;
  throw new Error(`${variable}=${process.env[variable]} is not one of auto, system, bundled.`);
}

/** The `SPOTIFY_MLP_SWIFTSHADER` setting. */
export const swiftShaderChoice = (): SourceChoice => choiceOf('SPOTIFY_MLP_SWIFTSHADER');

/** The `SPOTIFY_MLP_CHROMIUM` setting. */
export const chromiumChoice = (): SourceChoice => choiceOf('SPOTIFY_MLP_CHROMIUM');

/** The system SwiftShader ICD: Debian's chromium's, or one registered in a Vulkan ICD folder; null when there is none. */
export function systemSwiftShaderIcd(): string | null {
  if (existsSync(SYSTEM_SWIFTSHADER_ICD)) return SYSTEM_SWIFTSHADER_ICD;
  for (const dir of ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d']) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    const hit = names.find((n) => /swiftshader/i.test(n) && n.endsWith('.json'));
    if (hit) return join(dir, hit);
  }
  return null;
}

/** The installed @sparticuz/chromium package folder, or null when it is not installed (it is a devDependency). */
export function sparticuzDir(): string | null {
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
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}; remove it if no other process is unpacking.`);
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

const noSuchBundle = (what: string, variable: string): Error =>
  new Error(`${variable}=bundled, but @sparticuz/chromium is not installed, so there is no bundled ${what}; run "npm install -D @sparticuz/chromium".`);

/**
 * The SwiftShader to use: the system's when it exists (or is forced), else the bundled one; null when neither.
 * `SPOTIFY_MLP_SWIFTSHADER=system|bundled` forces a source and throws one sentence when it is missing.
 */
export function findSwiftShader(choice: SourceChoice = swiftShaderChoice()): SwiftShaderLocation | null {
  if (choice !== 'bundled') {
    const icd = systemSwiftShaderIcd();
    if (icd) return { source: 'system', icd, libDir: null };
    if (choice === 'system') {
      throw new Error(`SPOTIFY_MLP_SWIFTSHADER=system, but there is no system SwiftShader (${SYSTEM_SWIFTSHADER_ICD}); install it with "apt-get install -y chromium libvulkan1".`);
    }
  }
  const dir = bundledSwiftShaderDir();
  if (dir) return { source: 'bundled', icd: join(dir, 'vk_swiftshader_icd.json'), libDir: dir };
  if (choice === 'bundled') throw noSuchBundle('SwiftShader', 'SPOTIFY_MLP_SWIFTSHADER');
  return null;
}

/**
 * The headless Chromium to launch: `CHROMIUM_PATH` when set, else `SPOTIFY_MLP_CHROMIUM` (system = /usr/bin/chromium,
 * bundled = @sparticuz/chromium's), else the system one when it exists and the bundled one otherwise.
 */
export function findChromium(choice: SourceChoice = chromiumChoice()): ChromiumLocation {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return { source: 'env', executablePath: fromEnv, env: {} };
  if (choice !== 'bundled' && existsSync(SYSTEM_CHROMIUM)) return { source: 'system', executablePath: SYSTEM_CHROMIUM, env: {} };
  if (choice === 'system') {
    throw new Error(`SPOTIFY_MLP_CHROMIUM=system, but ${SYSTEM_CHROMIUM} does not exist; install it with "apt-get install -y chromium".`);
  }
  const dir = bundledChromiumDir();
  if (!dir) {
    if (choice === 'bundled') throw noSuchBundle('Chromium', 'SPOTIFY_MLP_CHROMIUM');
    throw new Error(`Chromium was not found at ${SYSTEM_CHROMIUM} and @sparticuz/chromium is not installed; run "npm ci" (it is a devDependency) or "apt-get install -y chromium".`);
  }
  return {
    source: 'bundled',
    executablePath: join(dir, 'chromium'),
    env: { LD_LIBRARY_PATH: prependPath(join(dir, 'lib'), prependPath(dir, process.env.LD_LIBRARY_PATH)) },
  };
}

/** `dir` in front of a colon-separated path list, once. */
export function prependPath(dir: string, list: string | undefined): string {
  const parts = (list ?? '').split(':').filter((p) => p !== '' && p !== dir);
  return [dir, ...parts].join(':');
}

/** True when the machine shows a device node that a hardware Vulkan driver could open (DRM render node or NVIDIA's). */
export function hasGpuDeviceNode(): boolean {
  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return list('/dev/dri').some((f) => f.startsWith('renderD')) || list('/dev').some((f) => /^nvidia\d+$/.test(f));
}

/** What {@link webgpuProcessEnv} decided, and the variables a process must START with for Dawn to find SwiftShader. */
export interface WebGpuProcessEnv {
  /** `hardware`: a GPU device node and no forced choice (leave the drivers alone); `none`: nothing found. */
  readonly source: 'hardware' | 'system' | 'bundled' | 'preset' | 'none';
  /** Variables to set (empty when nothing needs to change). */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The environment a Node process needs at start so that Dawn gets a SwiftShader adapter on a GPU-less machine.
 * `VK_ICD_FILENAMES` could be set later, but the bundled libvulkan.so.1 is found only through LD_LIBRARY_PATH,
 * which the dynamic loader reads once, at start: so test runners and the CLI call this and re-exec (or spawn).
 * An explicit `VK_ICD_FILENAMES`/`VK_DRIVER_FILES` is left alone, as is a machine with a GPU unless a source is forced.
 */
export function webgpuProcessEnv(): WebGpuProcessEnv {
  const choice = swiftShaderChoice();
  if (choice === 'auto' && (process.env.VK_ICD_FILENAMES !== undefined || process.env.VK_DRIVER_FILES !== undefined)) {
    return { source: 'preset', env: {} };
  }
  if (choice === 'auto' && hasGpuDeviceNode()) return { source: 'hardware', env: {} };
  const found = findSwiftShader(choice);
  if (!found) return { source: 'none', env: {} };
  const env: Record<string, string> = { VK_ICD_FILENAMES: found.icd };
  if (found.libDir) env.LD_LIBRARY_PATH = prependPath(found.libDir, process.env.LD_LIBRARY_PATH);
  return { source: found.source, env };
}

/** True when every variable in `env` already has that value in this process. */
export function envApplied(env: Readonly<Record<string, string>>): boolean {
  return Object.entries(env).every(([k, v]) => process.env[k] === v);
}

/** Chromium's version line (e.g. "Chromium 153.0…"), or the error in one line; for test logs. */
export function chromiumVersion(location: ChromiumLocation): string {
  try {
    return execFileSync(location.executablePath, ['--version'], { env: { ...process.env, ...location.env }, encoding: 'utf8', timeout: 20_000 }).trim();
  } catch (e) {
    return `(no version: ${String((e as Error).message).split('\n')[0]})`;
  }
}
