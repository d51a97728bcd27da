#!/usr/bin/env python3
"""Classical baselines on exactly the split `spotify-mlp prepare` writes: the train-mean predictor, linear
regression, two random forests and histogram gradient boosting, scored in popularity points (0-100, unscaled).

Run it on a folder written by `prepare` (the .npy arrays and prepare.json are read, nothing else):

    node bin/spotify-mlp.mjs prepare --csv /work/shared/data/spotify_tracks_random10k.csv --out /tmp/bl
    /usr/bin/python3 scripts/baselines.py /tmp/bl              # needs numpy + scikit-learn
    python3 scripts/baselines.py /tmp/bl --numpy-only          # mean + numpy lstsq linear fit; numpy alone

scikit-learn on Debian: `apt-get install -y python3-sklearn` (it installs for /usr/bin/python3, which may not
be the `python3` first on PATH). Without scikit-learn the script stops with one sentence unless --numpy-only.

Every model is fitted on x_train/y_train only. The folder's held-out splits are scored: x_val/y_val when
prepare wrote them (a validation split carved from the training rows), and x_test/y_test; the test rows are
never used for fitting or for choosing anything. Predictions and targets are unscaled with prepare.json's
target scaler (MinMaxScaler.inverse_transform) before RMSE, MAE and R² are computed. The table goes to stdout
as markdown, and everything (metrics, parameters, row counts, versions, timings) to DIR/baselines.json.
"""
import argparse
import json
import os
import platform
import sys
import time

FEATURES = 13
# sklearn's _handle_zeros_in_scale, as src/model/scaler.ts: a range below 10·eps counts as zero and becomes 1.
TINY_RANGE = 10 * sys.float_info.epsilon


def fail(sentence, code=1):
    print(f'baselines.py: {sentence}', file=sys.stderr)
    sys.exit(code)


try:
    import numpy as np
except ImportError:
    fail(f'numpy is not installed for {sys.executable}; install it (Debian: apt-get install -y python3-numpy) '
         'or run the script with a Python that has it.')


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('dir', help='folder written by `spotify-mlp prepare` (x_train.npy, …, prepare.json)')
    p.add_argument('--numpy-only', action='store_true', help='skip scikit-learn: the mean baseline and a numpy lstsq linear fit only')
    p.add_argument('--trees', type=int, default=300, help='n_estimators of the random forests (default 300)')
    p.add_argument('--jobs', type=int, default=2, help='n_jobs of the random forests (default 2)')
    p.add_argument('--seed', type=int, default=42, help='random_state of the random forests (default 42)')
    p.add_argument('--json', help='where to write the results (default DIR/baselines.json)')
    return p.parse_args()


def load_split(directory, name, shapes):
    """Returns (X as (m, 13), y as (m,)) for a split, or None when the folder has neither of its files."""
    xp, yp = (os.path.join(directory, f'{a}_{name}.npy') for a in ('x', 'y'))
    if not os.path.exists(xp) and not os.path.exists(yp):
        return None
    for path in (xp, yp):
        if not os.path.exists(path):
            fail(f'{directory} has {os.path.basename(xp if path == yp else yp)} but not {os.path.basename(path)}; run prepare again.')
    x, y = np.load(xp, allow_pickle=False), np.load(yp, allow_pickle=False)
    if x.ndim != 2 or x.shape[0] != FEATURES or y.shape != (1, x.shape[1]):
        fail(f'{xp} is {x.shape} and {yp} is {y.shape}, not ({FEATURES}, m) and (1, m) as prepare writes them.')
    for key, arr in ((f'x_{name}', x), (f'y_{name}', y)):
        if key in shapes and list(shapes[key]) != list(arr.shape):
            fail(f'{key}.npy is {arr.shape} but prepare.json says {tuple(shapes[key])}; the folder mixes two prepare runs.')
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        fail(f'the {name} arrays in {directory} hold NaN or infinite values.')
    return np.ascontiguousarray(x.T, dtype=np.float64), y.reshape(-1).astype(np.float64)


def unscaler(scaler):
    """MinMaxScaler.inverse_transform for the target, as unscaleY in src/model/scaler.ts: (v - min_) / scale_."""
    y_min, y_max = float(scaler['yMin']), float(scaler['yMax'])
    rng = y_max - y_min
    scale = 1.0 / (1.0 if rng < TINY_RANGE else rng)
    offset = 0.0 - y_min * scale
    return lambda v: (np.asarray(v, dtype=np.float64) - offset) / scale


def metrics(y_true, y_pred):
    """RMSE, MAE and R² (sklearn's r2_score: 1 - SS_res / SS_tot around the split's own mean)."""
    err = y_pred - y_true
    ss_res = float(np.sum(err * err))
    ss_tot = float(np.sum((y_true - y_true.mean()) ** 2))
    r2 = (1.0 - ss_res / ss_tot) if ss_tot > 0 else float('nan')
    return {'rmse': float(np.sqrt(np.mean(err * err))), 'mae': float(np.mean(np.abs(err))), 'r2': r2}


class MeanBaseline:
    """Predicts the training targets' mean for every row (what `train` reports as the mean baseline)."""

    def fit(self, x, y):
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, x):
        return np.full(x.shape[0], self.mean_)


class LstsqLinear:
    """Ordinary least squares with an intercept through numpy.linalg.lstsq: the package-free LinearRegression."""

    def fit(self, x, y):
        a = np.hstack([x, np.ones((x.shape[0], 1))])
        coef, _, self.rank_, _ = np.linalg.lstsq(a, y, rcond=None)
        self.coef_, self.intercept_ = coef[:-1], float(coef[-1])
        return self

    def predict(self, x):
        return x @ self.coef_ + self.intercept_


def models(args):
    out = [('mean of train', 'mean', {}, MeanBaseline()),
           ('linear (numpy lstsq)', 'lstsq', {}, LstsqLinear())]
    if args.numpy_only:
        return out, None
    try:
        import sklearn
        from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
        from sklearn.linear_model import LinearRegression
    except ImportError:
        fail(f'scikit-learn is not installed for {sys.executable}; on Debian run `apt-get install -y python3-sklearn` '
             'and use /usr/bin/python3, or pass --numpy-only for the mean and linear baselines alone.')
    rf = dict(n_estimators=args.trees, random_state=args.seed, n_jobs=args.jobs)
    out += [
        ('LinearRegression', 'linear', {}, LinearRegression()),
        (f'RandomForest ({args.trees} trees)', 'rf', rf, RandomForestRegressor(**rf)),
        (f'RandomForest ({args.trees} trees, min_samples_leaf=5)', 'rf_leaf5', {**rf, 'min_samples_leaf': 5},
         RandomForestRegressor(**rf, min_samples_leaf=5)),
        # sklearn's defaults; its early stopping (on by default past 10,000 rows) carves its own validation
        # share from the training rows, as our sweep does.
        ('HistGradientBoosting', 'hgb', {'random_state': args.seed}, HistGradientBoostingRegressor(random_state=args.seed)),
    ]
    return out, sklearn.__version__


def main():
    args = parse_args()
    directory = args.dir
    meta_path = os.path.join(directory, 'prepare.json')
    if not os.path.isfile(meta_path):
        fail(f'{meta_path} does not exist; write the folder with `node bin/spotify-mlp.mjs prepare --csv … --out {directory}` first.')
    with open(meta_path, encoding='utf-8') as f:
        meta = json.load(f)
    scaler, shapes, counts = meta.get('scaler'), meta.get('shapes', {}), meta.get('counts', {})
    if not isinstance(scaler, dict) or 'yMin' not in scaler or 'yMax' not in scaler:
        fail(f'{meta_path} has no "scaler" with yMin and yMax; write the folder again with spotify-mlp prepare.')
    unscale = unscaler(scaler)

    train = load_split(directory, 'train', shapes)
    if train is None:
        fail(f'{directory} has no x_train.npy / y_train.npy; write it with spotify-mlp prepare.')
    held_out = {name: s for name in ('val', 'test') if (s := load_split(directory, name, shapes)) is not None}
    if 'test' not in held_out:
        fail(f'{directory} has no x_test.npy / y_test.npy; write it with spotify-mlp prepare.')
    splits = {'train': train, **held_out}
    rows = {name: int(s[1].shape[0]) for name, s in splits.items()}
    for name, m in rows.items():
        if name in counts and int(counts[name]) != m:
            fail(f'{name} has {m} rows but prepare.json counts {counts[name]}; the folder mixes two prepare runs.')
    truth = {name: unscale(s[1]) for name, s in splits.items()}

    chosen, sklearn_version = models(args)
    x_train, y_train = train
    results = []
    for label, key, params, model in chosen:
        t0 = time.perf_counter()
        model.fit(x_train, y_train)  # train rows only; validation and test are only scored
        fit_s = time.perf_counter() - t0
        scores = {name: metrics(truth[name], unscale(model.predict(s[0]))) for name, s in splits.items()}
        results.append({'model': key, 'label': label, 'params': params, 'fit_seconds': round(fit_s, 3), 'metrics': scores})
        print(f'fitted {label} in {fit_s:.1f} s', file=sys.stderr)

    scored = list(held_out)  # 'val' (when present) then 'test'
    head = '| model | ' + ' | '.join(f'{s} RMSE | {s} MAE | {s} R²' for s in scored) + ' | train R² |'
    lines = [head, '| --- |' + ' ---: |' * (3 * len(scored) + 1)]
    for r in results:
        cells = [f"{r['metrics'][s]['rmse']:.2f} | {r['metrics'][s]['mae']:.2f} | {r['metrics'][s]['r2']:.4f}" for s in scored]
        lines.append(f"| {r['label']} | " + ' | '.join(cells) + f" | {r['metrics']['train']['r2']:.4f} |")
    count_line = ', '.join(f'{n} {rows[n]:,}' for n in splits)
    print(f"Rows: {count_line} (prepare: {meta.get('source')}, rng {meta.get('rng')}, seed {meta.get('seed')}, "
          f"test size {meta.get('testSize')}). Popularity points, unscaled with yMin {scaler['yMin']}, yMax {scaler['yMax']}.\n")
    print('\n'.join(lines))

    report = {
        'dir': os.path.abspath(directory),
        'command': ' '.join([sys.executable] + sys.argv),
        'prepare': {k: meta.get(k) for k in ('source', 'yearFrom', 'seed', 'rng', 'sample', 'testSize')},
        'rows': rows,
        'fitted_on': 'train',
        'units': 'popularity points (unscaled with prepare.json scaler yMin/yMax)',
        'versions': {'python': platform.python_version(), 'numpy': np.__version__, 'sklearn': sklearn_version},
        'results': results,
    }
    json_path = args.json or os.path.join(directory, 'baselines.json')
    with open(json_path, 'w', encoding='utf-8') as f:
        json.dump(report, f, indent=2)
        f.write('\n')
    print(f'\nwrote {json_path}', file=sys.stderr)


if __name__ == '__main__':
    main()
