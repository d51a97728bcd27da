#!/usr/bin/env python3
"""Writes test/reference/permutation_orders.json: the row orders scikit-learn's permutation_importance applies to a
column in each repeat, for a few (seed, rows, repeats), recorded from sklearn's own code path (no estimator).

Usage: python3 scripts/make_permutation_reference.py   (needs numpy and scikit-learn)
src/explain/permutations.ts must reproduce every order (test/explain/permutations.test.ts).
"""
import json
import os

import numpy as np
import sklearn
from sklearn.utils import check_random_state

CASES = [(42, 10, 3), (7, 57, 4), (0, 2000, 2)]


def orders(seed, m, repeats):
    # permutation_importance: one seed from the given random_state, then _calculate_permutation_scores' loop on a
    # fresh RandomState(seed): shuffle an index array in place and permute the already-permuted column with it.
    random_seed = check_random_state(seed).randint(np.iinfo(np.int32).max + 1)
    state = check_random_state(random_seed)
    column = np.arange(m)
    idx = np.arange(m)
    out = []
    for _ in range(repeats):
        state.shuffle(idx)
        column = column[idx]
        out.append(column.tolist())
    return out


reference = {
    "generator": f"scripts/make_permutation_reference.py (numpy {np.__version__}, scikit-learn {sklearn.__version__})",
    "cases": [{"seed": s, "rows": m, "repeats": r, "orders": orders(s, m, r)} for s, m, r in CASES],
}
path = os.path.join(os.path.dirname(__file__), "..", "test", "reference", "permutation_orders.json")
with open(path, "w") as f:
    json.dump(reference, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {os.path.normpath(path)}")
