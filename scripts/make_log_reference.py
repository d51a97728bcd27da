#!/usr/bin/env python3
"""Writes the reference data for src/rng/glibc-log.ts and numpy's legacy gauss into test/reference/.

- glibc_log.bin: (x, log(x)) pairs as little-endian float64, where log is glibc's own, called through ctypes (the
  function numpy's legacy_gauss calls). On an x86-64 CPU with FMA and AVX2, glibc's ifunc picks __log_fma, the
  variant glibcLog replays, so the script refuses to run elsewhere.
- glibc_log_fma.bin: (a, b, c, fma(a, b, c)) quadruples from glibc's fma, which rounds once as IEEE 754 requires
  (checked here against exact rational arithmetic): the reference for src/rng/fma.ts, which glibcLog relies on.
- randn_seed<S>_<N>.bin: np.random.RandomState(S).randn(N), float64 little-endian: long gauss streams, bit for bit.

Run it from the repository root: python3 scripts/make_log_reference.py
"""
import ctypes
import ctypes.util
import decimal
import math
import os
import struct
from fractions import Fraction

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'reference')
RANDN_STREAMS = [(1, 20000), (2024, 20000)]

libm = ctypes.CDLL(ctypes.util.find_library('m'))
libm.log.restype = ctypes.c_double
libm.log.argtypes = [ctypes.c_double]
libm.fma.restype = ctypes.c_double
libm.fma.argtypes = [ctypes.c_double] * 3
libc = ctypes.CDLL(ctypes.util.find_library('c'))
libc.gnu_get_libc_version.restype = ctypes.c_char_p


def check_platform():
    flags = set()
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('flags'):
                flags = set(line.split(':', 1)[1].split())
                break
    if not {'fma', 'avx2'} <= flags:
        raise SystemExit('This CPU lacks FMA or AVX2, so glibc would not use __log_fma; run this on one that has both.')
    version = libc.gnu_get_libc_version().decode()
    print(f'glibc {version} on a CPU with FMA and AVX2 (ifunc variant __log_fma)')
    if version != '2.36':
        print('warning: glibcLog ports glibc 2.36; other versions share the algorithm since 2.28 but were not checked')


def from_bits(bits):
    return np.asarray(bits, dtype=np.uint64).view(np.float64)


def polar_r2(seed, count):
    """The r2 values numpy's legacy gauss takes the log of, in the order it draws them."""
    rs = np.random.RandomState(seed)
    out = []
    while len(out) < count:
        u = rs.random_sample(2 * count)
        x1 = 2.0 * u[0::2] - 1.0
        x2 = 2.0 * u[1::2] - 1.0
        r2 = x1 * x1 + x2 * x2
        out.extend(r2[(r2 < 1.0) & (r2 != 0.0)].tolist())
    return out[:count]


def random_doubles(rng, count, exp_lo, exp_hi):
    """Positive doubles with a uniform random biased exponent in [exp_lo, exp_hi] and a uniform significand."""
    exps = rng.integers(exp_lo, exp_hi + 1, count, dtype=np.uint64)
    mant = rng.integers(0, 1 << 52, count, dtype=np.uint64)
    return from_bits((exps << np.uint64(52)) | mant).tolist()


def misrounded(xs):
    """The inputs where glibc's log is not the correctly rounded one: its hardest cases to reproduce."""
    decimal.getcontext().prec = 40
    return [x for x in xs if libm.log(x) != float(decimal.Decimal(x).ln())]


def edge_cases():
    xs = [0.0, -0.0, math.inf, -math.inf, math.nan, -1.0, -0.5, 1.0, 2.0, 0.5, math.e, 5e-324, -5e-324,
          2.2250738585072009e-308, 2.2250738585072014e-308, 1.7976931348623157e308, 1.0 - 2.0 ** -53, 1.0 + 2.0 ** -52]
    xs += [math.ldexp(1.0, k) for k in range(-1074, 1024)]
    # Around 1.0 ulp by ulp, and the edges of the near-1 band [1 - 2**-4, 1 + 0x1.09p-4).
    one = np.float64(1.0).view(np.uint64)
    for base in (one, np.uint64(0x3FEE000000000000), np.uint64(0x3FF1090000000000)):
        xs += from_bits([int(base) + d for d in range(-300, 301)]).tolist()
    # The edges of the 128 table subintervals, i << 45 above OFF, at several exponents.
    for i in range(128):
        for shift in (0, -1, 1, -20, 20, -1000, 900):
            edge = 0x3FE6000000000000 + (i << 45) + (shift << 52)
            xs += from_bits([edge + d for d in (-2, -1, 0, 1, 2)]).tolist()
    return xs


def fma_cases(rng):
    """Triples that break naive fma emulations: ties, cancellation, subnormal and overflowing results, specials."""
    cases = []
    def few_bits(count, bits, exp_lo, exp_hi):
        m = rng.integers(1, 1 << bits, count) * rng.choice([-1, 1], count)
        return [math.ldexp(float(v), int(e)) for v, e in zip(m, rng.integers(exp_lo, exp_hi, count))]
    # Short significands make a*b + c land exactly on (or next to) a halfway point between doubles.
    for a, b, c in zip(few_bits(3000, 30, -40, 40), few_bits(3000, 30, -40, 40), few_bits(3000, 40, -100, 100)):
        cases.append((a, b, c))
    # Cancellation: c close to -a*b.
    a_s = random_doubles(rng, 2000, 900, 1150)
    b_s = random_doubles(rng, 2000, 900, 1150)
    for a, b, d in zip(a_s, b_s, rng.integers(-3, 4, 2000)):
        p = -a * b
        cases.append((a, b, float(from_bits([int(np.float64(p).view(np.uint64)) + int(d)])[0])))
    # The operands glibc's log feeds to fma: z * invc - 1 and friends.
    for z in rng.uniform(0.6875, 1.375, 2000):
        cases.append((float(z), float(np.nextafter(1.0 / z, rng.choice([0.0, 2.0]))), -1.0))
    # Anything at all, results from subnormal to overflow.
    signs = lambda n: rng.choice([-1.0, 1.0], n)
    wide = [np.array(random_doubles(rng, 1500, 1, 2046)) * signs(1500) for _ in range(3)]
    cases += list(zip(*(w.tolist() for w in wide)))
    tiny = [np.array(random_doubles(rng, 500, lo, hi)) * signs(500) for lo, hi in ((400, 700), (400, 700), (0, 60))]
    cases += list(zip(*(t.tolist() for t in tiny)))
    specials = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, 5e-324, 1.7976931348623157e308]
    cases += [(a, b, c) for a in specials for b in specials for c in specials]
    out = []
    for a, b, c in cases:
        want = libm.fma(a, b, c)
        if all(map(math.isfinite, (a, b, c, want))) and want != 0:
            assert want == float(Fraction(a) * Fraction(b) + Fraction(c)), (a, b, c)
        out.append((a, b, c, want))
    return out


def main():
    check_platform()
    rng = np.random.default_rng(20261125)
    xs = edge_cases()
    # What the gauss really feeds to log: r2 from several seeds, 42 (the notebook's) first.
    for seed in (42, 0, 1, 7, 123, 2024):
        xs += polar_r2(seed, 12000)
    xs += random_doubles(rng, 40000, 1023 - 64, 1022)  # (2**-64, 1)
    xs += random_doubles(rng, 8000, 1, 1022)  # every normal exponent below 1
    xs += from_bits(rng.integers(1, 1 << 52, 2000, dtype=np.uint64)).tolist()  # subnormals
    xs += random_doubles(rng, 12000, 1023, 2046)  # above 1
    xs += np.sort(rng.uniform(1.0 - 2.0 ** -4, float.fromhex('0x1.109p0'), 30000)).tolist()  # the near-1 path
    xs += np.sort(rng.uniform(0.9, 1.1, 10000)).tolist()
    # Where glibc misrounds (about 0.1%), found among many more polar r2 values and uniforms in (0, 1).
    candidates = polar_r2(99, 600000) + rng.uniform(0.0, 1.0, 200000).tolist()
    hard = misrounded(candidates)
    xs += hard
    for x in xs:
        if math.isfinite(x) and x > 0:
            assert libm.log(x) == math.log(x), x  # Python's math.log is the same glibc function
    pairs = bytearray()
    for x in xs:
        pairs += struct.pack('<dd', x, libm.log(x))
    with open(os.path.join(OUT, 'glibc_log.bin'), 'wb') as f:
        f.write(pairs)
    print(f'glibc_log.bin: {len(xs)} pairs ({len(hard)} misrounded by glibc among {len(candidates)} candidates), '
          f'{len(pairs)} bytes')
    quads = fma_cases(rng)
    with open(os.path.join(OUT, 'glibc_log_fma.bin'), 'wb') as f:
        f.write(b''.join(struct.pack('<dddd', *q) for q in quads))
    print(f'glibc_log_fma.bin: {len(quads)} fma cases')
    for seed, n in RANDN_STREAMS:
        name = f'randn_seed{seed}_{n}.bin'
        np.random.RandomState(seed).randn(n).astype('<f8').tofile(os.path.join(OUT, name))
        print(f'{name}: RandomState({seed}).randn({n})')


if __name__ == '__main__':
    main()
