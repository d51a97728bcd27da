// Parsers for command-line option values: each returns the typed value or throws a one-sentence UserError.
import { UserError } from '../errors.ts';

/** Bounds for numeric options; both ends inclusive unless `minExclusive` / `maxExclusive` is set. */
export interface Range {
  readonly min?: number;
  readonly max?: number;
  /** Reject `min` itself (e.g. a learning rate must be > 0). */
  readonly minExclusive?: boolean;
  /** Reject `max` itself (e.g. a test fraction must be < 1). */
  readonly maxExclusive?: boolean;
}

/** Exit code for a bad option value: the same as commander's usage errors. */
const USAGE = { exitCode: 2 };

/**
 * Parses an integer option such as `--seed 42`. `name` is the flag as the user typed it, for the message.
 * Accepts plain decimal integers only (no `1e3`, no `0x10`), so a typo is never read as another number.
 */
export function parseIntOption(value: string, name: string, range: Range = {}): number {
  const text = value.trim();
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new UserError(`${name} must be an integer, got '${value}'.`, USAGE);
  checkRange(n, name, range);
  return n;
}

/** Parses a finite decimal number option such as `--lr 0.01` or `--lr 1e-3`. */
export function parseFloatOption(value: string, name: string, range: Range = {}): number {
  const text = value.trim();
  const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n)) throw new UserError(`${name} must be a number, got '${value}'.`, USAGE);
  checkRange(n, name, range);
  return n;
}

/**
 * Parses layer widths such as `13,64,32,16,1` (the notebook's network): at least two positive integers,
 * the input width first and the output width last.
 */
export function parseDims(value: string, name = '--dims'): number[] {
  const parts = value.split(',').map((p) => p.trim());
  const dims = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN));
  if (parts.length < 2 || dims.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw new UserError(`${name} must be at least two positive integers separated by commas, like 13,64,32,16,1; got '${value}'.`, USAGE);
  }
  return dims;
}

/** Parses an option that takes one of a few words, e.g. `parseChoice(v, '--backend', ['gpu', 'cpu'])`. */
export function parseChoice<T extends string>(value: string, name: string, choices: readonly T[]): T {
  const found = choices.find((c) => c === value.trim());
  if (found === undefined) {
    throw new UserError(`${name} must be one of ${choices.join(', ')}; got '${value}'.`, USAGE);
  }
  return found;
}

/** The parser of {@link parseIntOption} bound to a flag, for commander's `.option(flags, help, parser)`. */
export function intArg(name: string, range: Range = {}): (value: string) => number {
  return (value) => parseIntOption(value, name, range);
}

/** The parser of {@link parseFloatOption} bound to a flag, for commander's `.option(flags, help, parser)`. */
export function floatArg(name: string, range: Range = {}): (value: string) => number {
  return (value) => parseFloatOption(value, name, range);
}

/** The parser of {@link parseChoice} bound to a flag, for commander's `.option(flags, help, parser)`. */
export function choiceArg<T extends string>(name: string, choices: readonly T[]): (value: string) => T {
  return (value) => parseChoice(value, name, choices);
}

function checkRange(n: number, name: string, range: Range): void {
  const { min, max, minExclusive, maxExclusive } = range;
  const tooLow = min !== undefined && (minExclusive ? n <= min : n < min);
  const tooHigh = max !== undefined && (maxExclusive ? n >= max : n > max);
  if (!tooLow && !tooHigh) return;
  // One wording for the whole range, whichever end was passed, so 1 and 1.5 get the same sentence.
  const lower = min === undefined ? '' : minExclusive ? `greater than ${min}` : `at least ${min}`;
  const upper = max === undefined ? '' : maxExclusive ? `less than ${max}` : `at most ${max}`;
  const bounds = [lower, upper].filter((s) => s.length > 0).join(' and ');
  throw new UserError(`${name} must be ${bounds}, got ${n}.`, USAGE);
}
