// The machine states a user may have, made for real in a private mount namespace (root and unshare needed, as on
// CI): /usr is overlaid with a throw-away layer, then libvulkan1 and Debian's chromium are hidden (deleted in that
// layer) or, where this machine lacks them, stood in for by the bundled SwiftShader's files laid out as Debian
// lays them out. In each state the real `spotify-mlp doctor` must take the expected source and get an adapter,
// and a GPU forward of the notebook's model must equal numpy's.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledSwiftShaderDir } from '../../src/platform/swiftshader-bundle.ts';
import { expectClose, f32Tolerance } from '../helpers/compare.ts';
import { referenceNpy } from '../helpers/reference.ts';
import { BIN, loadNpy } from '../cli/spawn.ts';

const REFERENCE = fileURLToPath(new URL('../reference/', import.meta.url));
// Where a system libvulkan.so.1 can be: the dynamic linker's search folders under /usr (/lib is a link to usr/lib).
const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/local/lib', '/usr/local/lib/x86_64-linux-gnu', '/usr/lib'];

function namespacesWork(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (mount namespaces need it)';
  const r = spawnSync(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      'd=$(mktemp -d) && mount -t tmpfs none "$d" && mkdir "$d/u" "$d/w" && mount -t overlay overlay -o "lowerdir=/usr,upperdir=$d/u,workdir=$d/w" /usr',
    ],
    { encoding: 'utf8' },
  );
  return r.status === 0 ? null : `unshare/overlay unavailable (${(r.stderr || r.error?.message || '').trim().split('\n')[0]})`;
}

const why = namespacesWork();
if (why) console.log(`[machine states] skipped: ${why}; test/platform/vulkan-choice.test.ts still checks every state's choice`);

interface State {
  readonly name: string;
  readonly chromium: boolean;
  readonly libvulkan: boolean;
  readonly force?: string;
  readonly expect: string;
}

const STATES: readonly State[] = [
  { name: 'nothing installed', chromium: false, libvulkan: false, expect: 'bundled' },
  { name: 'chromium without libvulkan1', chromium: true, libvulkan: false, expect: 'chromium' },
  { name: 'chromium with libvulkan1', chromium: true, libvulkan: true, expect: 'system' },
  { name: 'a forced choice (bundled, with chromium and libvulkan1 there)', chromium: true, libvulkan: true, force: 'bundled', expect: 'bundled' },
];

const work = mkdtempSync(join(tmpdir(), 'spotify-mlp-states-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The shell lines that make `state` inside the namespace, before `command` runs. */
function setup(state: State, bundle: string): string {
  const hasChromium = existsSync('/usr/lib/chromium/vk_swiftshader_icd.json');
  const hasLoader = LIB_DIRS.some((dir) => existsSync(`${dir}/libvulkan.so.1`));
  const lines = [
    'set -e',
    'd=$(mktemp -d)',
    'mount -t tmpfs none "$d"',
    'mkdir "$d/u" "$d/w"',
    'mount -t overlay overlay -o "lowerdir=/usr,upperdir=$d/u,workdir=$d/w" /usr',
  ];
  if (!state.chromium) lines.push('rm -rf /usr/lib/chromium /usr/bin/chromium');
  else if (!hasChromium)
    lines.push('mkdir -p /usr/lib/chromium', `cp ${bundle}/libvulkan.so.1 ${bundle}/libvk_swiftshader.so ${bundle}/vk_swiftshader_icd.json /usr/lib/chromium/`);
  if (!state.libvulkan) lines.push(`rm -f ${LIB_DIRS.map((dir) => `${dir}/libvulkan.so.1*`).join(' ')}`);
  // libvulkan1 is the Khronos loader; the bundle's libvulkan.so.1 is a build of the same loader.
  else if (!hasLoader) lines.push(`cp ${bundle}/libvulkan.so.1 /usr/lib/x86_64-linux-gnu/libvulkan.so.1`);
  return lines.join('\n');
}

function inState(state: State, bundle: string, args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const script = `${setup(state, bundle)}\nexec "$@"`;
  const env: NodeJS.ProcessEnv = { ...process.env, SPOTIFY_MLP_SWIFTSHADER: state.force ?? '' };
  delete env.VK_ICD_FILENAMES;
  delete env.VK_DRIVER_FILES;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', process.execPath, BIN, ...args], {
    encoding: 'utf8',
    cwd: work,
    env,
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(why !== null)('every machine state, libraries hidden for real', () => {
  const bundle = why ? '' : bundledSwiftShaderDir()!;

  for (const state of STATES) {
    it(`${state.name}: doctor takes ${state.expect} and gets an adapter; a GPU forward equals numpy`, () => {
      const doctor = inState(state, bundle, ['doctor']);
      expect(doctor.code, `${doctor.stdout}\n${doctor.stderr}`).toBe(0);
      expect(doctor.stdout).toContain(`vulkan: ${state.expect}\n`);
      expect(doctor.stdout).toMatch(/^webgpu: WebGPU on /m);
      console.log(`[machine states] ${state.name}:\n${doctor.stdout.trim()}`);

      const out = join(work, state.name.replace(/\W+/g, '-'));
      const forward = inState(state, bundle, [
        'forward',
        '--model',
        join(REFERENCE, 'model_numpy.json'),
        '--input',
        join(REFERENCE, 'sample_X.npy'),
        '--out',
        out,
        '--backend',
        'gpu',
      ]);
      expect(forward.code, forward.stderr).toBe(0);
      expect(readdirSync(out)).toEqual(['A4.npy']);
      expectClose(loadNpy(out, 'A4.npy').data, referenceNpy('sample_A4.npy').data, f32Tolerance(64, 4), `A4 in state '${state.name}'`);
    }, 240_000);
  }

  it('the host is untouched: what was hidden or added lived only in the namespace', () => {
    const before = execFileSync('sh', ['-c', 'ls /usr/lib/chromium 2>/dev/null | wc -l; ls /usr/lib/x86_64-linux-gnu | grep -c libvulkan || true'], {
      encoding: 'utf8',
    });
    inState(STATES[0], bundle, ['--version']);
    const after = execFileSync('sh', ['-c', 'ls /usr/lib/chromium 2>/dev/null | wc -l; ls /usr/lib/x86_64-linux-gnu | grep -c libvulkan || true'], {
      encoding: 'utf8',
    });
    expect(after).toBe(before);
  });
});
