#!/usr/bin/env python3
"""Writes the numpy reference data that test/cpu/*.test.ts checks against, into test/reference/.

It runs the notebook's own code (Initialization, relu, drelu, feed_forward from sections 1.3-1.5) with numpy's
legacy RandomState, so the TypeScript CPU reference can be compared with numpy bit for bit (init) and to float64
rounding (forward). Run it from the repository root: python3 scripts/make_reference.py
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'reference')


def Initialization(I, H1, H2, H3, O):
    # The notebook's cell, verbatim in its maths.
    np.random.seed(42)
    scale1 = np.sqrt(2.0 / I)
    scale2 = np.sqrt(2.0 / H1)
    scale3 = np.sqrt(2.0 / H2)
    scale4 = np.sqrt(2.0 / H3)
    W1 = np.random.randn(H1, I) * scale1
    b1 = np.zeros((H1, 1))
    W2 = np.random.randn(H2, H1) * scale2
    b2 = np.zeros((H2, 1))
    W3 = np.random.randn(H3, H2) * scale3
    b3 = np.zeros((H3, 1))
    W4 = np.random.randn(O, H3) * scale4
    b4 = np.zeros((O, 1))
    return [W1, b1, W2, b2, W3, b3, W4, b4]


def relu(x):
    return np.maximum(x, 0)


def feed_forward(X, params):
    W1, b1, W2, b2, W3, b3, W4, b4 = params
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = relu(Z2)
    Z3 = W3 @ A2 + b3
    A3 = relu(Z3)
    Z4 = W4 @ A3 + b4
    A4 = relu(Z4)
    return A4, [Z1, A1, Z2, A2, Z3, A3, Z4, A4]


def save(name, arr):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(arr, dtype=np.float64))


def main():
    os.makedirs(OUT, exist_ok=True)
    # Section 1.5's sample test: seed, init (which reseeds), then X_sample continues the same stream.
    np.random.seed(42)
    params = Initialization(13, 64, 32, 16, 1)
    X_sample = np.random.rand(13, 100)
    y, cache = feed_forward(X_sample, params)
    for i, W in enumerate(params[0::2]):
        save(f'init_seed42_W{i + 1}.npy', W)
    save('sample_X.npy', X_sample)
    for i, name in enumerate(['Z1', 'A1', 'Z2', 'A2', 'Z3', 'A3', 'Z4', 'A4']):
        save(f'sample_{name}.npy', cache[i])

    # Raw streams for the generator itself: uint32s, doubles, gaussians, and permutations (sample/split).
    rs = np.random.RandomState(7)
    streams = {
        'seed7_uint32': [int(v) for v in rs.randint(0, 2**32, size=8, dtype=np.uint64)],
    }
    rs = np.random.RandomState(123)
    streams['seed123_random_sample'] = rs.random_sample(5).tolist()
    rs = np.random.RandomState(123)
    streams['seed123_randn'] = rs.randn(7).tolist()
    streams['seed42_permutation_10'] = np.random.RandomState(42).permutation(10).tolist()
    streams['seed42_permutation_1000'] = np.random.RandomState(42).permutation(1000).tolist()
    streams['seed0_permutation_65537_head'] = np.random.RandomState(0).permutation(65537)[:20].tolist()
    with open(os.path.join(OUT, 'rng_streams.json'), 'w') as f:
        json.dump(streams, f, indent=1)
    print('wrote', sorted(os.listdir(OUT)))


if __name__ == '__main__':
    main()
