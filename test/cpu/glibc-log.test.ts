// glibcLog and the fma it relies on, bit for bit against glibc itself (scripts/make_log_reference.py).
// The reference is glibc 2.36's FMA variant, __log_fma, the one the ifunc picks on x86-64 with FMA and AVX2 and so the
// log numpy's legacy gauss used when the notebook's weights were drawn.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fma, fmaExact } from '../../src/rng/fma.ts';
import { glibcLog } from '../../src/rng/glibc-log.ts';

/** Reads test/reference/NAME, little-endian float64s, as rows of `width` numbers. */
function referenceRows(name: string, width: number): Float64Array[] {
  const bytes = readFileSync(fileURLToPath(new URL(`../reference/${name}`, import.meta.url)));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows: Float64Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += 8 * width) {
    rows.push(Float64Array.from({ length: width }, (_, j) => view.getFloat64(offset + 8 * j, true)));
  }
  return rows;
}

/** Same double, telling +0 from -0; any NaN equals any NaN (their payloads are not part of the contract). */
function sameDouble(got: number, want: number): boolean {
  return Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
}

/** The bit pattern of x in hex, so that a 1-ulp difference is visible in a failure message. */
function bits(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** Runs `f` on every reference row and returns the count of mismatches and a description of the first few. */
function compareAll(rows: Float64Array[], f: (row: Float64Array) => number, describeRow: (row: Float64Array) => string) {
  let count = 0;
  const first: string[] = [];
  rows.forEach((row, index) => {
    const got = f(row);
    const want = row[row.length - 1];
    if (sameDouble(got, want)) return;
    count++;
    if (first.length < 8) first.push(`[${index}] ${describeRow(row)}: expected ${want} (${bits(want)}), found ${got} (${bits(got)})`);
  });
  return { count, report: `${count} of ${rows.length} differ:\n${first.join('\n')}` };
}

describe('glibcLog', () => {
  const pairs = referenceRows('glibc_log.bin', 2);

  it('has a reference of polar-method r2 values, glibc misroundings and edge cases', () => {
    expect(pairs.length).toBeGreaterThan(100000);
    // Math.log must differ somewhere, or the file cannot tell glibcLog from Math.log.
    const differ = pairs.filter(([x, y]) => !sameDouble(Math.log(x), y)).length;
    expect(differ).toBeGreaterThan(100);
  });

  it('equals glibc log bit for bit on every reference input', () => {
    const { count, report } = compareAll(
      pairs,
      ([x]) => glibcLog(x),
      ([x]) => `log(${x} = ${bits(x)})`,
    );
    expect(count, report).toBe(0);
  });
});

describe('fma', () => {
  const quads = referenceRows('glibc_log_fma.bin', 4);
  const describeRow = ([a, b, c]: Float64Array) => `fma(${a}, ${b}, ${c})`;

  it('rounds once, like glibc fma, on ties, cancellations, subnormal results and specials', () => {
    const { count, report } = compareAll(quads, ([a, b, c]) => fma(a, b, c), describeRow);
    expect(count, report).toBe(0);
  });

  it('has an exact BigInt fallback that agrees with glibc on every case too', () => {
    const { count, report } = compareAll(quads, ([a, b, c]) => fmaExact(a, b, c), describeRow);
    expect(count, report).toBe(0);
  });

  it('is not just a*b + c on this reference', () => {
    const naive = quads.filter(([a, b, c, want]) => !sameDouble(a * b + c, want)).length;
    expect(naive).toBeGreaterThan(1000);
  });
});
