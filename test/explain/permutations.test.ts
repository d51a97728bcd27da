// The shuffles of permutation importance are scikit-learn's, order for order (test/reference/permutation_orders.json,
// written by scripts/make_permutation_reference.py from sklearn's own RandomState path).
import { describe, expect, it } from 'vitest';
import { permutationOrders } from '../../src/explain/permutations.ts';
import { referenceJson } from '../helpers/reference.ts';

interface Reference {
  cases: { seed: number; rows: number; repeats: number; orders: number[][] }[];
}

describe('permutationOrders', () => {
  for (const { seed, rows, repeats, orders } of referenceJson<Reference>('permutation_orders.json').cases) {
    it(`draws sklearn's orders for seed ${seed}, ${rows} rows, ${repeats} repeats`, () => {
      const got = permutationOrders(seed, rows, repeats).map((o) => Array.from(o));
      expect(got).toEqual(orders);
      // Each is a permutation, and the repeats differ.
      for (const o of got) expect([...o].sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i));
      expect(new Set(got.map((o) => o.join(','))).size).toBe(repeats);
    });
  }
});
