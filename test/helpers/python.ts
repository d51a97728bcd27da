// Finds a Python that has the modules a test needs: $SPOTIFY_MLP_PYTHON when set, else python3 on the PATH.
import { spawnSync } from 'node:child_process';

/** The Python command, or undefined (with why, in one line) when none has `modules`. */
export function pythonWith(modules: readonly string[]): { python?: string; why: string } {
  const python = process.env.SPOTIFY_MLP_PYTHON ?? 'python3';
  const probe = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (probe.error) return { why: `${python} is not installed (set SPOTIFY_MLP_PYTHON to a Python with ${modules.join(', ')})` };
  if (probe.status !== 0) return { why: `${python} lacks ${modules.join(' or ')} (set SPOTIFY_MLP_PYTHON to a Python that has them)` };
  return { python, why: '' };
}
