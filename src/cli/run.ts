// The CLI's error policy in one place: user errors print one line and exit non-zero, anything else is our bug.
import { CommanderError } from 'commander';
import { isUserError } from '../errors.ts';
import { fileErrorMessage, isFileSystemError } from './io.ts';

/** Exit code for a bug in spotify-mlp (sysexits' EX_SOFTWARE): the stack is printed so it can be reported. */
export const EXIT_BUG = 70;

/** Exit code for a command line that commander could not parse (unknown flag, missing value). */
export const EXIT_USAGE = 2;

/** Where the CLI writes; tests may pass their own. */
export interface CliOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The process's own stdout and stderr. */
export const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Folds commander's message (which may carry a "(Did you mean …?)" line) into one sentence with a pointer to
 * --help, so every usage error is a single line like every other user error.
 */
export function usageMessage(message: string): string {
  const text = message
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*\(Did you mean (.*?)\?\)/, '; did you mean $1?')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
  const sentence = /[.?!)]$/.test(text) ? text : `${text}.`;
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)} Run 'spotify-mlp --help' for usage.`;
}

/**
 * Turns whatever a command threw into an exit code, printing it on `out.stderr`: a UserError as
 * `spotify-mlp: <message>`, commander's usage errors as one line (help and --version exit 0), a stray
 * ENOENT/EACCES as one sentence naming the file, and anything else with its stack and exit code 70.
 */
export function reportError(err: unknown, out: CliOutput = processOutput): number {
  if (err instanceof CommanderError) {
    // Help and --version are "errors" only because exitOverride turns every exit into a throw.
    if (err.exitCode === 0) return 0;
    if (err.code === 'commander.help') return 1; // `spotify-mlp` with no command: help was already printed.
    out.stderr(`spotify-mlp: ${usageMessage(err.message)}\n`);
    return EXIT_USAGE;
  }
  if (isUserError(err)) {
    out.stderr(`spotify-mlp: ${oneLine(err.message)}\n`);
    return Math.max(1, err.exitCode);
  }
  // A command that used fs directly instead of the io.ts helpers still gets one sentence naming the file.
  if (isFileSystemError(err) && typeof err.path === 'string') {
    const doing = err.syscall !== undefined && /write|mkdir|open/.test(err.syscall) && err.code !== 'ENOENT' ? 'write' : 'read';
    out.stderr(`spotify-mlp: ${fileErrorMessage(err, 'the file', err.path, doing)}\n`);
    return 1;
  }
  const stack = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  out.stderr(`spotify-mlp: internal error (a bug; please report it with the command you ran):\n${stack}\n`);
  return EXIT_BUG;
}

/** Runs `body` under the error policy and returns the process exit code. */
export async function runGuarded(body: () => Promise<void>, out: CliOutput = processOutput): Promise<number> {
  try {
    await body();
    return 0;
  } catch (err) {
    return reportError(err, out);
  }
}

// A user message is promised to be one line; a stray newline from a wrapped library message must not break that.
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
