#!/usr/bin/env python3
"""Writes the numpy reference data that test/data/parity.test.ts checks the TypeScript data pipeline against.

It re-implements the notebook's section 1.1 with numpy only (no pandas, no sklearn), written independently of
src/data so that the two can catch each other's mistakes:
  - cleaning: the 13 features + popularity must be finite numbers, `explicit` may be True/False, `year` comes
    from a `year` column or from `release_date` (YYYY, YYYY-MM, YYYY-MM-DD, M/D/YYYY, D-M-YYYY, each cell on
    its own; anything else is missing), rows with a wrong number of fields are dropped;
  - DataFrame.sample(n=30000, random_state=seed)   == RandomState(seed).permutation(n)[:30000];
  - MinMaxScaler().fit_transform, X and y separately  == X * scale_ + min_, scale_ = 1/range (1 if range < 10 eps);
  - train_test_split(test_size=0.2, random_state=seed) == RandomState(seed).permutation(k): the first
    ceil(0.2 k) rows are the test set, the rest the training set;
  - transpose to (features, m).

Outputs in test/reference/ (run from anywhere: python3 scripts/make_data_reference.py):
  - data_parity.csv: a deterministic generated fixture with every quirk (BOM, CRLF, quotes, junk, mixed dates);
  - data_parity_<case>_{x_train,y_train,x_test,y_test}.npy and data_parity_<case>.json for that fixture;
  - data_real_<case>.json for the real samples in ../shared/data when present: no values from those files
    (they must not be copied into the repository), only the split's row numbers, the scaler, the counts and
    order-sensitive checksums of each matrix.
"""
import csv
import io
import json
import math
import os
import re

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'test', 'reference')
REAL = os.path.join(ROOT, '..', 'shared', 'data')

FEATURES = ['acousticness', 'danceability', 'energy', 'instrumentalness', 'liveness', 'loudness', 'speechiness',
            'tempo', 'valence', 'key', 'mode', 'explicit', 'year']
TARGET = 'popularity'
NA = {'', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA',
      'NULL', 'NaN', 'None', 'n/a', 'nan', 'null'}
NUMBER = re.compile(r'[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?')


def number(text, booleans=False):
    t = text.strip()
    if t in NA:
        return 'missing'
    if NUMBER.fullmatch(t):
        v = float(t)
        return v if math.isfinite(v) else 'invalid'
    if booleans and t.lower() in ('true', 'false'):
        return 1.0 if t.lower() == 'true' else 0.0
    return 'invalid'


def real_date(y, m, d):
    if not 1 <= m <= 12 or d < 1:
        return False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    return d <= [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]


def release_year(text):
    t = text.strip()
    if t in NA:
        return 'missing'
    for pattern, order in ((r'(\d{4})', 'y'), (r'(\d{4})-(\d{1,2})', 'ym'), (r'(\d{4})-(\d{1,2})-(\d{1,2})', 'ymd'),
                           (r'(\d{1,2})/(\d{1,2})/(\d{4})', 'mdy'), (r'(\d{1,2})-(\d{1,2})-(\d{4})', 'dmy')):
        m = re.fullmatch(pattern, t)
        if m:
            parts = dict(zip(order, map(int, m.groups())))
            ok = real_date(parts['y'], parts.get('m', 1), parts.get('d', 1))
            return float(parts['y']) if ok else 'invalid'
    return 'invalid'


def clean(text):
    """The notebook's read_csv + year + dropna + to_numeric + dropna, with the rules above; returns rows and counts."""
    rows = list(csv.reader(io.StringIO(text.lstrip('\ufeff'), newline='')))
    while rows and not ''.join(rows[0]).strip() and len(rows[0]) <= 1:
        rows.pop(0)
    header = [h.strip() for h in rows[0]]
    col = {h: i for i, h in reversed(list(enumerate(header)))}
    from_date = 'year' not in col
    counts = {'read': 0, 'kept': 0, 'dropped': 0, 'droppedByReason': {'fieldCount': 0, 'missingValue': 0, 'invalidValue': 0},
              'droppedByColumn': {}, 'blankLines': 0}
    X, y, index, blank = [], [], [], 0
    for fields in rows[1:]:
        if len(fields) <= 1 and not ''.join(fields).strip():
            blank += 1
            continue
        counts['blankLines'] += blank
        blank = 0
        i = counts['read']
        counts['read'] += 1
        if len(fields) != len(header):
            counts['dropped'] += 1
            counts['droppedByReason']['fieldCount'] += 1
            continue
        values, problems = [], []
        for f in FEATURES + [TARGET]:
            name = 'release_date' if f == 'year' and from_date else f
            text_value = fields[col[name]]
            v = release_year(text_value) if name == 'release_date' else number(text_value, f == 'explicit')
            if isinstance(v, str):
                problems.append((name, v))
            values.append(v)
        if problems:
            counts['dropped'] += 1
            reason = 'missingValue' if any(k == 'missing' for _, k in problems) else 'invalidValue'
            counts['droppedByReason'][reason] += 1
            for name in {n for n, _ in problems}:
                counts['droppedByColumn'][name] = counts['droppedByColumn'].get(name, 0) + 1
            continue
        counts['kept'] += 1
        X.append(values[:-1])
        y.append(values[-1])
        index.append(i)
    return np.array(X, dtype=np.float64).reshape(-1, 13), np.array(y, dtype=np.float64).reshape(-1, 1), np.array(index), counts


def min_max(a):
    data_min, data_max = a.min(axis=0), a.max(axis=0)
    rng = data_max - data_min
    rng[rng < 10 * np.finfo(np.float64).eps] = 1.0
    scale = 1.0 / rng
    offset = 0 - data_min * scale
    return a * scale + offset, data_min, data_max


def prepare(text, seed=42, sample=30000, test_size=0.2):
    X, y, index, counts = clean(text)
    if len(X) > sample:
        pick = np.random.RandomState(seed).permutation(len(X))[:sample]
        X, y, index = X[pick], y[pick], index[pick]
    Xs, x_min, x_max = min_max(X)
    ys, y_min, y_max = min_max(y)
    k = len(Xs)
    n_test = math.ceil(test_size * k)
    perm = np.random.RandomState(seed).permutation(k)
    test, train = perm[:n_test], perm[n_test:]
    counts.update(sampled=k, train=len(train), test=n_test)
    arrays = {'x_train': np.ascontiguousarray(Xs[train].T), 'y_train': np.ascontiguousarray(ys[train].T),
              'x_test': np.ascontiguousarray(Xs[test].T), 'y_test': np.ascontiguousarray(ys[test].T)}
    meta = {'seed': seed, 'sample': sample, 'testSize': test_size, 'counts': counts,
            'scaler': {'features': FEATURES, 'xMin': x_min.tolist(), 'xMax': x_max.tolist(), 'target': TARGET,
                       'yMin': float(y_min[0]), 'yMax': float(y_max[0])},
            'trainRowIndex': index[train].tolist(), 'testRowIndex': index[test].tolist()}
    return arrays, meta


def checksums(arrays):
    """Per matrix row: the sum, the position-weighted sum (catches a wrong order), the min and the max."""
    out = {}
    for name, a in arrays.items():
        w = np.arange(1, a.shape[1] + 1, dtype=np.float64)
        out[name] = {'shape': list(a.shape), 'sum': [math.fsum(r) for r in a], 'weighted': [math.fsum(r * w) for r in a],
                     'min': a.min(axis=1).tolist(), 'max': a.max(axis=1).tolist()}
    return out


def fixture_csv(n=520, seed=2024):
    """A tracks.csv look-alike with every quirk the parser must survive, drawn from a fixed seed."""
    r = np.random.RandomState(seed)
    header = ['id', 'name', 'popularity', 'duration_ms', 'explicit', 'artists', 'id_artists', 'release_date',
              'danceability', 'energy', 'key', 'loudness', 'mode', 'speechiness', 'acousticness', 'instrumentalness',
              'liveness', 'valence', 'tempo', 'time_signature']
    lines = [','.join(header)]
    for i in range(n):
        year = int(r.randint(1922, 2022))
        month, day = int(r.randint(1, 13)), int(r.randint(1, 29))
        date = [f'{year}', f'{year}-{month:02d}', f'{year}-{month:02d}-{day:02d}', f'{month}/{day}/{year}',
                f'{day:02d}-{month:02d}-{year}'][i % 5]
        instr = float(r.rand()) * 10.0 ** -int(r.randint(0, 7))
        vals = {
            'id': f'id{i:05d}', 'name': f'"Song {i}, part ""{i % 7}"""', 'popularity': str(int(r.randint(0, 101))),
            'duration_ms': str(int(r.randint(60000, 400000))), 'explicit': ['0', '1', 'True', 'False'][int(r.randint(4))],
            'artists': f'"[\'Artist {i % 13}\', \'Guest\']"', 'id_artists': "['x']", 'release_date': date,
            'danceability': f'{r.rand():.3f}', 'energy': f'{r.rand():.4g}', 'key': str(int(r.randint(0, 12))),
            'loudness': f'{-60 * r.rand():.3f}', 'mode': str(int(r.randint(0, 2))), 'speechiness': f'{r.rand():.3g}',
            'acousticness': f'{r.rand():.3f}', 'instrumentalness': f'{instr:.2E}' if instr < 1e-3 else f'{instr:.3f}',
            'liveness': f'{r.rand():.3f}', 'valence': '0' if i % 17 == 0 else f'{r.rand():.3f}',
            'tempo': f'{40 + 180 * r.rand():.3f}', 'time_signature': '4'}
        junk = i % 23
        if junk == 3:
            vals['tempo'] = ''
        elif junk == 5:
            vals['energy'] = 'n/a'
        elif junk == 7:
            vals['loudness'] = 'inf'
        elif junk == 9:
            vals['release_date'] = 'sometime'
        elif junk == 11:
            vals['popularity'] = 'NaN'
        elif junk == 13:
            vals['key'] = 'C#'
            vals['mode'] = ''
        elif junk == 17:
            vals['release_date'] = f'{year}-02-30'
        elif junk == 19:
            vals['danceability'] = f' {vals["danceability"]} '
        elif junk == 21:
            vals['explicit'] = 'TRUE'
        line = ','.join(vals[h] for h in header)
        if junk == 15:
            line += ',extra'
        lines.append(line)
        if i % 97 == 50:
            lines.append('')
    return '\ufeff' + '\r\n'.join(lines)


def write_case(tag, text, **kw):
    arrays, meta = prepare(text, **kw)
    for name, a in arrays.items():
        np.save(os.path.join(OUT, f'data_parity_{tag}_{name}.npy'), a)
    with open(os.path.join(OUT, f'data_parity_{tag}.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print(f'data_parity_{tag}: {meta["counts"]}')


def write_real(tag, path, **kw):
    with open(path, encoding='utf-8') as f:
        arrays, meta = prepare(f.read(), **kw)
    meta['file'] = os.path.basename(path)
    meta['checksums'] = checksums(arrays)
    with open(os.path.join(OUT, f'data_real_{tag}.json'), 'w') as f:
        json.dump(meta, f)
    print(f'data_real_{tag}: {meta["counts"]}')


def main():
    os.makedirs(OUT, exist_ok=True)
    text = fixture_csv()
    with open(os.path.join(OUT, 'data_parity.csv'), 'w', encoding='utf-8', newline='') as f:
        f.write(text)
    write_case('seed42_sample300', text, seed=42, sample=300)
    write_case('seed7_test25', text, seed=7, test_size=0.25)
    for tag, name, kw in (('head10k', 'spotify_tracks_head10k.csv', {}),
                          ('head10k_sample5000', 'spotify_tracks_head10k.csv', {'sample': 5000}),
                          ('top259', 'spotify_tracks_top259_excel.csv', {})):
        path = os.path.join(REAL, name)
        if os.path.exists(path):
            write_real(tag, path, seed=42, **kw)
        else:
            print(f'skipped data_real_{tag}: {path} is not present')


if __name__ == '__main__':
    main()
