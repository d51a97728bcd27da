// A long-running `spotify-mlp` child whose stderr can be waited on, for the signal tests: started in its own process
// group, so a test can signal the process id alone (as timeout, systemd or Docker do) or the whole group (as a
// terminal's Ctrl-C does).
import { type ChildProcess, spawn } from 'node:child_process';
import { BIN } from './spawn.ts';

/** A running CLI. */
export interface Session {
  readonly child: ChildProcess;
  stderr: string;
  /** Resolves when stderr first matches `pattern`. */
  waitFor(pattern: RegExp): Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

/** Starts `spotify-mlp ...args` in `cwd`. */
export function startCli(args: readonly string[], cwd: string): Session {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const session: Session = {
    child,
    stderr: '',
    waitFor: (pattern) =>
      new Promise((resolve) => {
        if (pattern.test(session.stderr)) resolve();
        else waiters.push({ pattern, resolve });
      }),
    exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stderr.on('data', (chunk: Buffer) => {
    session.stderr += chunk.toString();
    for (const w of waiters.splice(0)) (w.pattern.test(session.stderr) ? w.resolve : () => waiters.push(w))();
  });
  child.stdout.resume();
  return session;
}

/** Kills every session still running (a run that ignored its signal must not outlive the test). */
export function killLeftovers(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
}
