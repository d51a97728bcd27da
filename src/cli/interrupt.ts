// Signals, one owner: SIGINT (a terminal's Ctrl-C, or `kill -INT`), SIGTERM (timeout, systemd, Docker, CI runners)
// and SIGHUP (a closed terminal). While a command runs, a signal ends it with 128 + the signal's number, temporary
// files removed ('exit' runs outputs.ts's cleanup). A long command (train, sweep) asks for a graceful first signal
// with onInterrupt: the work stops at the next safe point and writes what it has; a second signal of any kind quits
// at once, writing nothing.

/**
 * Resolves after a whole turn of the event loop, so that signal handlers can run: work that computes without a turn
 * (the CPU backends) calls it before it puts a file in place, so a signal that came meanwhile ends the command.
 * Two immediates: libuv reads pending signals in the poll phase, which comes between them (after one immediate
 * alone, a signal sent during a long computation was still unread).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** The signals a command answers, with their numbers (exit code 128 + n). */
export const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/** One of {@link SIGNALS}. */
export type StopSignal = keyof typeof SIGNALS;

/** The exit code a signal ends a command with: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export const exitCodeOf = (signal: StopSignal): number => 128 + SIGNALS[signal];

/** How messages name a signal: Ctrl-C for SIGINT, the signal's name otherwise. */
export const signalLabel = (signal: StopSignal): string => (signal === 'SIGINT' ? 'Ctrl-C' : signal);

/** What {@link onInterrupt} gives back: the signal the work watches, and a way to stop listening. */
export interface InterruptWatch {
  /** Aborted by the first signal. */
  readonly signal: AbortSignal;
  /** The first signal that came, or null. */
  readonly stoppedBy: StopSignal | null;
  /** True once the first signal came. */
  readonly interrupted: boolean;
  /** Stops watching: a signal then ends the command at once again. */
  dispose(): void;
}

/** Options of {@link onInterrupt}; `write` and `exit` are the process's own unless a test passes others. */
export interface InterruptOptions {
  /** The command's name, which starts each line. */
  readonly command: string;
  /** What the first signal does, e.g. "training stops after the current epoch and writes the best model so far". */
  readonly firstDoes: string;
  readonly write?: (text: string) => void;
  readonly exit?: (code: number) => void;
}

interface Graceful {
  receive(signal: StopSignal): void;
}

let graceful: Graceful | null = null;
let guards = 0;

const writeErr = (text: string): void => {
  process.stderr.write(text);
};

// On a terminal the progress bar (and the ^C echo) own the current line; start a fresh one.
const fresh = (): string => (process.stderr.isTTY ? '\n' : '');

function onSignal(signal: StopSignal): void {
  if (graceful) {
    graceful.receive(signal);
    return;
  }
  writeErr(`${fresh()}spotify-mlp: Stopped by ${signalLabel(signal)}; no unfinished file is left.\n`);
  process.exit(exitCodeOf(signal));
}

const handlers = Object.fromEntries(Object.keys(SIGNALS).map((s) => [s, () => onSignal(s as StopSignal)])) as Record<StopSignal, () => void>;

/**
 * Installs the signal handlers for as long as a command runs (nested calls count); the returned function removes
 * them again, so a process that runs main() among other work (the tests) gets its default handlers back.
 */
export function guardSignals(): () => void {
  if (guards++ === 0) for (const s of Object.keys(handlers) as StopSignal[]) process.on(s, handlers[s]);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--guards === 0) for (const s of Object.keys(handlers) as StopSignal[]) process.off(s, handlers[s]);
  };
}

/** Makes the first signal graceful until `dispose()`; see the file comment. */
export function onInterrupt(options: InterruptOptions): InterruptWatch {
  const write = options.write ?? writeErr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  let first: StopSignal | null = null;
  const unguard = guardSignals();
  const self: Graceful = {
    receive(signal) {
      if (first === null) {
        first = signal;
        const again = signal === 'SIGINT' ? 'press Ctrl-C again' : 'send a signal again';
        write(`${fresh()}${options.command}: ${signalLabel(signal)}: ${options.firstDoes}; ${again} to quit without saving.\n`);
        controller.abort();
      } else {
        write(`${fresh()}${options.command}: ${signalLabel(signal)} again: quitting without saving.\n`);
        exit(exitCodeOf(signal));
      }
    },
  };
  const previous = graceful;
  graceful = self;
  return {
    signal: controller.signal,
    get stoppedBy() {
      return first;
    },
    get interrupted() {
      return first !== null;
    },
    dispose: () => {
      if (graceful === self) graceful = previous;
      unguard();
    },
  };
}
