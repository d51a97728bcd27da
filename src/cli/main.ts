// The `spotify-mlp` program: builds the commander tree, runs it, and maps every outcome to an exit code.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';
import { guardSignals } from './interrupt.ts';
import { type CliOutput, processOutput, runGuarded } from './run.ts';

/** The version in package.json, so `--version` never disagrees with the package. */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/**
 * The program with every command registered. Commander never exits the process itself (exitOverride) and
 * never prints its own errors: {@link main} turns them into one line each.
 */
export function buildProgram(out: CliOutput = processOutput): Command {
  const program = new Command();
  program
    .name('spotify-mlp')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .description(
      "The notebook's 13-64-32-16-1 ReLU MLP for Spotify song popularity, on WebGPU with a float64 CPU reference.\n" +
        'Data is column-major as in the notebook: X has shape (features, m), one column per example.',
    )
    .helpOption('-h, --help', 'show help for a command')
    .showSuggestionAfterError(true)
    // Set before the commands are added: `program.command()` copies these settings into each subcommand.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out.stdout(text),
      writeErr: (text) => out.stderr(text),
      outputError: () => {}, // reportError prints usage errors as one line instead.
    });
  registerCommands(program);
  return program;
}

/** Runs the CLI on `argv` (the arguments after the program name) and returns the process exit code. */
export async function main(argv: readonly string[], out: CliOutput = processOutput): Promise<number> {
  const unguard = guardSignals();
  try {
    return await runGuarded(async () => {
      await buildProgram(out).parseAsync([...argv], { from: 'user' });
    }, out);
  } finally {
    unguard();
  }
}
