// Option parsers and the error policy, in process: each bad value is one UserError sentence, each outcome one exit code.
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseChoice, parseDims, parseFloatOption, parseIntOption } from '../../src/cli/options.ts';
import { type CliOutput, EXIT_BUG, EXIT_USAGE, reportError } from '../../src/cli/run.ts';
import { UserError } from '../../src/errors.ts';

function capture(): CliOutput & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

function userMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError, but nothing was thrown');
}

describe('option parsers', () => {
  it('parse the values they should', () => {
    expect(parseIntOption(' 42 ', '--seed')).toBe(42);
    expect(parseIntOption('-3', '--n', { min: -5 })).toBe(-3);
    expect(parseFloatOption('1e-3', '--lr', { min: 0, minExclusive: true })).toBe(0.001);
    expect(parseFloatOption('.5', '--split', { max: 1 })).toBe(0.5);
    expect(parseDims('13, 64,32,16,1')).toEqual([13, 64, 32, 16, 1]);
    expect(parseChoice('cpu', '--backend', ['gpu', 'cpu'] as const)).toBe('cpu');
  });

  it.each([
    [() => parseIntOption('4.5', '--seed'), /^--seed must be an integer, got '4\.5'\.$/],
    [() => parseIntOption('0x10', '--seed'), /--seed must be an integer/],
    [() => parseIntOption('', '--seed'), /--seed must be an integer, got ''/],
    [() => parseIntOption('99999999999999999999', '--seed'), /--seed must be an integer/],
    [() => parseIntOption('7', '--epochs', { min: 10, max: 20 }), /^--epochs must be at least 10 and at most 20, got 7\.$/],
    [() => parseFloatOption('abc', '--lr'), /^--lr must be a number, got 'abc'\.$/],
    [() => parseFloatOption('Infinity', '--lr'), /--lr must be a number/],
    [() => parseFloatOption('0', '--lr', { min: 0, minExclusive: true }), /^--lr must be greater than 0, got 0\.$/],
    [() => parseDims('13'), /--dims must be at least two positive integers/],
    [() => parseDims('13,,1'), /got '13,,1'/],
    [() => parseDims('13,-4,1'), /--dims must be/],
    [() => parseChoice('TPU', '--backend', ['gpu', 'cpu']), /^--backend must be one of gpu, cpu; got 'TPU'\.$/],
  ])('rejects a bad value with one sentence (%#)', (f, pattern) => {
    const message = userMessage(f);
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });
});

describe('error policy', () => {
  it('prints a UserError as one line with its exit code', () => {
    const io = capture();
    expect(reportError(new UserError('The thing is wrong;\nfix it.', { exitCode: 3 }), io)).toBe(3);
    expect(io.err.join('')).toBe('spotify-mlp: The thing is wrong; fix it.\n');
  });

  it('treats any other error as a bug: stack printed, exit 70', () => {
    const io = capture();
    expect(reportError(new TypeError('undefined is not a function'), io)).toBe(EXIT_BUG);
    expect(io.err.join('')).toMatch(/internal error.*\n.*TypeError: undefined is not a function\n\s+at /s);
  });

  it('names the file of a stray ENOENT in one sentence', () => {
    const io = capture();
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'x.csv'"), { code: 'ENOENT', path: 'x.csv', syscall: 'open' });
    expect(reportError(enoent, io)).toBe(1);
    expect(io.err.join('')).toBe("spotify-mlp: Cannot read the file 'x.csv': it does not exist; check the path.\n");
  });

  it('lets help and --version exit 0 and makes usage errors exit 2', () => {
    const io = capture();
    expect(reportError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), io)).toBe(0);
    expect(reportError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'\n(Did you mean --y?)"), io)).toBe(EXIT_USAGE);
    expect(io.err).toEqual(["spotify-mlp: Unknown option '--x'; did you mean --y? Run 'spotify-mlp --help' for usage.\n"]);
  });

  it('runs in process through main() with the same outcomes', async () => {
    const io = capture();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(await main(['init', '--bogus'], io)).toBe(EXIT_USAGE);
    expect(io.err).toEqual(["spotify-mlp: Unknown option '--bogus'. Run 'spotify-mlp --help' for usage.\n"]);
    expect(await main([], io)).toBe(1);
    expect(io.err.join('')).toMatch(/Usage: spotify-mlp/);
  });
});
