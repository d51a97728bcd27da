// Ctrl-C for long commands: the first SIGINT asks the work to stop at the next safe point and says so; the second
// quits at once with exit code 130, writing nothing (outputs.ts removes its temporary files on exit).

/** The exit code of a process ended by SIGINT, as shells report it (128 + 2). */
export const EXIT_INTERRUPTED = 130;

/** What {@link onInterrupt} gives back: the signal the work watches, and a way to stop listening. */
export interface InterruptWatch {
  /** Aborted by the first Ctrl-C. */
  readonly signal: AbortSignal;
  /** True once the first Ctrl-C came. */
  readonly interrupted: boolean;
  /** Stops listening for SIGINT (the default handler, which ends the process, is back). */
  dispose(): void;
}

/** Options of {@link onInterrupt}; `write` and `exit` are the process's own unless a test passes others. */
export interface InterruptOptions {
  /** The line printed at the first Ctrl-C: what happens now, and that a second one quits without saving. */
  readonly first: string;
  /** The line printed at the second Ctrl-C, just before exiting. */
  readonly second: string;
  readonly write?: (text: string) => void;
  readonly exit?: (code: number) => void;
}

/** Listens for SIGINT until `dispose()`; see the file comment. */
export function onInterrupt(options: InterruptOptions): InterruptWatch {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  let count = 0;
  const handler = (): void => {
    count++;
    // On a terminal the progress bar (and the ^C echo) own the current line; start a fresh one.
    const fresh = process.stderr.isTTY ? '\n' : '';
    if (count === 1) {
      write(`${fresh}${options.first}\n`);
      controller.abort();
    } else {
      write(`${fresh}${options.second}\n`);
      exit(EXIT_INTERRUPTED);
    }
  };
  process.on('SIGINT', handler);
  return {
    signal: controller.signal,
    get interrupted() {
      return count > 0;
    },
    dispose: () => {
      process.off('SIGINT', handler);
    },
  };
}
