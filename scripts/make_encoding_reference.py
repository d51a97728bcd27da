#!/usr/bin/env python3
"""Writes the reference that test/model/encoding.test.ts holds src/model/encoding.ts to: the same raw training rows
fitted with scikit-learn (MinMaxScaler, StandardScaler, QuantileTransformer with a normal output) and with numpy
(piecewise-linear encoding: np.unique(np.quantile(x, linspace(0, 1, T + 1))) as bin edges), then applied to the
training rows and to held-out rows that reach past the training range.

The raw rows are generated here, deterministically, with the quirks the encoders must handle: uniform audio-like
features, a skewed one, integer `key`/`mode` columns with few distinct values, a `year` with many ties, and a
constant column. Outputs in test/reference/ (run from anywhere; needs numpy, scikit-learn and scipy):
  - encoding_x_fit.npy (8, 600) and encoding_x_new.npy (8, 120): the raw rows, float64;
  - encoding_<case>_fit.npy, encoding_<case>_new.npy: each case's encoded rows, (width, m), float64;
  - encoding.json: the cases (parts, bins) and what each learned (ple edges, quantile count).
"""
import json
import os

import numpy as np
from sklearn.preprocessing import MinMaxScaler, QuantileTransformer, StandardScaler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'reference')


def raw(rng, m):
    return np.stack([
        rng.uniform(0, 1, m),                       # 0: an audio feature
        rng.beta(0.5, 3, m),                        # 1: skewed (speechiness-like)
        rng.normal(-8, 4, m),                       # 2: loudness-like, negative
        rng.integers(0, 12, m).astype(float),       # 3: key, 12 values
        rng.integers(0, 2, m).astype(float),        # 4: mode, 2 values
        np.round(rng.uniform(1922, 2021, m)),       # 5: year, many ties
        rng.uniform(50, 220, m),                    # 6: tempo
        np.full(m, 3.5),                            # 7: constant
    ])


def ple(x_fit, x, bins):
    edges = [np.unique(np.quantile(row, np.linspace(0, 1, bins + 1))) for row in x_fit]
    out = []
    for row, e in zip(x, edges):
        for lo, hi in zip(e[:-1], e[1:]):
            out.append(np.where(row >= hi, 1.0, np.where(row < lo, 0.0, (row - lo) / (hi - lo))))
    return np.array(out).reshape(-1, x.shape[1]), [e.tolist() for e in edges]


def sk(cls, x_fit, x, **kw):
    t = cls(**kw).fit(x_fit.T)
    return t.transform(x.T).T


def main():
    rng = np.random.default_rng(20)
    x_fit, x_new = raw(rng, 600), raw(rng, 120)
    x_new[0, :3] = [-0.5, 1.5, 0.25]   # past the training range on both sides
    x_new[5, :2] = [1900, 2030]
    np.save(os.path.join(OUT, 'encoding_x_fit.npy'), x_fit)
    np.save(os.path.join(OUT, 'encoding_x_new.npy'), x_new)
    cols = list(range(8))
    quantile = dict(output_distribution='normal', n_quantiles=min(1000, x_fit.shape[1]), subsample=10**9)
    cases = {
        'minmax': [('minmax', cols, None)],
        'standard': [('standard', cols, None)],
        'quantile': [('quantile', cols, None)],
        'ple16': [('ple', cols, 16)],
        'ple4': [('ple', cols, 4)],
        'recipe': [('quantile', [0, 1, 2, 5, 6], None), ('ple', [0, 1, 2, 5, 6], 16), ('minmax', [3, 4, 7], None)],
    }
    meta = {'cases': {}}
    for name, parts in cases.items():
        blocks = {'fit': [], 'new': []}
        learned = []
        for kind, c, bins in parts:
            for which, x in (('fit', x_fit), ('new', x_new)):
                if kind == 'minmax':
                    blocks[which].append(sk(MinMaxScaler, x_fit[c], x[c]))
                elif kind == 'standard':
                    blocks[which].append(sk(StandardScaler, x_fit[c], x[c]))
                elif kind == 'quantile':
                    blocks[which].append(sk(QuantileTransformer, x_fit[c], x[c], **quantile))
                else:
                    enc, edges = ple(x_fit[c], x[c], bins)
                    blocks[which].append(enc)
            learned.append({'kind': kind, 'columns': c, 'bins': bins, **({'edges': edges} if kind == 'ple' else {})})
        for which in ('fit', 'new'):
            np.save(os.path.join(OUT, f'encoding_{name}_{which}.npy'), np.concatenate(blocks[which]))
        meta['cases'][name] = learned
    with open(os.path.join(OUT, 'encoding.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
