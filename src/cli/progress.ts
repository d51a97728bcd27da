// A progress bar for long CLI commands, drawn on stderr only when it is a terminal so logs and pipes stay clean.
import cliProgress from 'cli-progress';

/** A running progress display; every method is a no-op when stderr is not a TTY. */
export interface Progress {
  /** Sets the count done so far, with optional extra text shown after the bar (e.g. the loss). */
  update(done: number, detail?: string): void;
  /** Adds `n` (default 1) to the count done. */
  increment(n?: number, detail?: string): void;
  /** Removes the bar; call it before printing anything else. */
  stop(): void;
}

/**
 * A progress bar titled `label` that counts to `total`, e.g. `createProgress('epochs', 100)`. Pass
 * `{ enabled: false }` to force it off (it is off anyway unless stderr is a terminal).
 */
export function createProgress(label: string, total: number, options: { enabled?: boolean } = {}): Progress {
  const enabled = options.enabled ?? process.stderr.isTTY === true;
  if (!enabled) return { update() {}, increment() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} {detail}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { detail: '' });
  let stopped = false;
  return {
    update: (done, detail) => bar.update(done, detail === undefined ? undefined : { detail }),
    increment: (n = 1, detail) => bar.increment(n, detail === undefined ? undefined : { detail }),
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
