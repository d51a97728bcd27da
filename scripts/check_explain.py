#!/usr/bin/env python3
"""Checks `spotify-mlp explain` against scikit-learn on the same predictions.

Usage: python3 scripts/check_explain.py model.onnx tracks.csv importance.json
  model.onnx       the same model, exported with `spotify-mlp export` (ONNX Runtime gives sklearn its predictions)
  importance.json  written by `spotify-mlp explain --model … --csv tracks.csv --out importance.json`

On the rows the JSON lists it runs sklearn.inspection.permutation_importance (neg RMSE, the JSON's repeats and
seed, so sklearn draws the very shuffles explain drew) and partial_dependence on the JSON's grid, prints the
largest differences, and exits 1 when one is over 1e-3 popularity points. Needs scikit-learn, onnxruntime, pandas.
"""
import json
import os
import sys

import numpy as np
import onnxruntime as ort
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.inspection import partial_dependence, permutation_importance

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples", "python"))
from predict import features_of  # noqa: E402  (the example's CSV reading: year from release_date, explicit)

TOLERANCE = 1e-3


class OnnxRegressor(RegressorMixin, BaseEstimator):
    """The exported model as a fitted scikit-learn regressor."""

    def __init__(self, path=None):
        self.path = path

    def fit(self, X=None, y=None):
        self.session_ = ort.InferenceSession(self.path, providers=["CPUExecutionProvider"])
        return self

    def predict(self, X):
        return self.session_.run(["popularity"], {"features": np.asarray(X, dtype=np.float32)})[0][:, 0]


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: check_explain.py model.onnx tracks.csv importance.json")
    model_path, csv_path, json_path = sys.argv[1:]
    ours = json.load(open(json_path))
    model = OnnxRegressor(model_path).fit()
    names = model.session_.get_modelmeta().custom_metadata_map["features"].split(",")
    df = pd.read_csv(csv_path).iloc[ours["dataRows"]]
    X = features_of(df, names).to_numpy(np.float64)
    y = pd.to_numeric(df["popularity"]).to_numpy(np.float64)
    result = permutation_importance(model, X, y, scoring="neg_root_mean_squared_error", n_repeats=ours["repeats"], random_state=ours["seed"])
    mean = np.array([f["mean"] for f in ours["importances"]])
    std = np.array([f["std"] for f in ours["importances"]])
    baseline = np.sqrt(np.mean((model.predict(X) - y) ** 2))
    f = names.index(ours["pdp"]["feature"])
    grid = np.array(ours["pdp"]["grid"], dtype=np.float64)
    pdp = partial_dependence(model, X, [f], custom_values={f: grid}, kind="average")["average"][0]
    diffs = {
        "baseline RMSE": abs(baseline - ours["baselineRmse"]),
        "importance means": np.max(np.abs(result.importances_mean - mean)),
        "importance stds": np.max(np.abs(result.importances_std - std)),
        "partial dependence": np.max(np.abs(pdp - np.array(ours["pdp"]["mean"]))),
    }
    print(f"check_explain: {len(y)} rows, {ours['repeats']} repeats, seed {ours['seed']}; largest |explain − sklearn| in points:")
    for name, d in diffs.items():
        print(f"  {name:20} {d:.2e}")
    top = np.argsort(-result.importances_mean)[:3]
    print("  sklearn's top three: " + ", ".join(f"{names[i]} {result.importances_mean[i]:.3f}" for i in top))
    sys.exit(0 if max(diffs.values()) <= TOLERANCE else 1)


if __name__ == "__main__":
    main()
