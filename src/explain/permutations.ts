// The shuffles of permutation importance, drawn exactly as scikit-learn's permutation_importance draws them with
// random_state=seed: one seed from RandomState(seed).randint(2**31), then for every feature a fresh
// RandomState(that seed) shuffling one index array in place, once per repeat, and applying it to the column as
// already shuffled (X[:, j] = X[idx, j] on the permuted copy). So every feature sees the same R row orders, and
// scripts/check_explain.py can compare importances number for number.
import { RandomState } from '../rng/mt19937.ts';

/** The R row orders (each a permutation of 0..m−1): repeat r's column i is the original column at order[i]. */
export function permutationOrders(seed: number, m: number, repeats: number): Int32Array[] {
  // randint(np.iinfo(np.int32).max + 1) draws by masked rejection over [0, 2**31 − 1], as interval does.
  const featureSeed = new RandomState(seed).interval(2 ** 31 - 1);
  const state = new RandomState(featureSeed);
  const idx = Int32Array.from({ length: m }, (_, i) => i);
  let order = idx.slice();
  return Array.from({ length: repeats }, () => {
    state.shuffle(idx);
    // Repeat r's column is repeat r−1's taken at idx: the original at order[idx[i]].
    order = Int32Array.from(idx, (k) => order[k]);
    return order;
  });
}
