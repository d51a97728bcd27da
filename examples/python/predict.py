#!/usr/bin/env python3
"""Scores Spotify's tracks.csv with a model exported by `spotify-mlp export`, in ONNX Runtime: no spotify-mlp needed.

Usage: python3 examples/python/predict.py model.onnx tracks.csv > preds.csv
Needs: pip install onnxruntime pandas

The model takes the 13 raw features in the order its "features" metadata names; the scaler, the encoder and an
ensemble's averaging are inside the graph. Every input row gets an output row; a row with a missing or unusable
feature gets an empty prediction and is counted on stderr, never dropped.
"""
import sys

import numpy as np
import onnxruntime as ort
import pandas as pd


def year_of(df):
    """The `year` column, or the 4-digit year of `release_date` (1999, 1999-03, 1999-03-07, 3/7/1999)."""
    if "year" in df.columns:
        return pd.to_numeric(df["year"], errors="coerce")
    return pd.to_numeric(df["release_date"].astype(str).str.extract(r"(?:^|\D)(\d{4})(?:\D|$)")[0], errors="coerce")


def features_of(df, names):
    columns = {}
    for name in names:
        if name == "year":
            columns[name] = year_of(df)
        elif name == "explicit" and not pd.api.types.is_numeric_dtype(df[name]):
            columns[name] = df[name].astype(str).str.lower().map({"true": 1, "false": 0, "1": 1, "0": 0})
        else:
            columns[name] = pd.to_numeric(df[name], errors="coerce")
    return pd.DataFrame(columns)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: predict.py model.onnx tracks.csv > preds.csv")
    session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
    names = session.get_modelmeta().custom_metadata_map["features"].split(",")
    df = pd.read_csv(sys.argv[2])
    missing = [n for n in names if n not in df.columns and not (n == "year" and "release_date" in df.columns)]
    if missing:
        sys.exit(f"{sys.argv[2]} has no column {', '.join(missing)}; the model needs {', '.join(names)}.")
    X = features_of(df, names)
    usable = np.isfinite(X.to_numpy(np.float64)).all(axis=1)
    predictions = np.full(len(df), np.nan)
    if usable.any():
        out = session.run(["popularity"], {"features": X[usable].to_numpy(np.float32)})[0]
        predictions[usable] = out[:, 0]
    result = pd.DataFrame({"id": df["id"] if "id" in df.columns else np.arange(len(df))})
    result["predicted_popularity"] = predictions
    result["reason"] = np.where(usable, "", "a feature is missing or not a number")
    result.to_csv(sys.stdout, index=False, float_format="%.4f")
    print(f"predict.py: {len(df)} rows read, {int(usable.sum())} predicted, {int((~usable).sum())} without a prediction.", file=sys.stderr)


if __name__ == "__main__":
    main()
