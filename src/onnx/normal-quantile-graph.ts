// The standard normal's inverse CDF as ONNX arithmetic: the same Acklam rational approximation as
// model/encoding.ts's normalQuantile, so a quantile encoding runs in any ONNX runtime without a custom op.
import type { GraphBuilder } from './graph.ts';

// Acklam's coefficients, as in normalQuantile (model/encoding.ts).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1, 1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416, 1];
const LOW = 0.02425;

/** Σ coeffs[i]·x^(n−1−i) by Horner's rule, one Mul and one Add per coefficient after the first. */
function horner(g: GraphBuilder, x: string, coeffs: readonly number[], name: string): string {
  let acc = g.doubles(`${name}_c0`, [], [coeffs[0]]);
  for (let i = 1; i < coeffs.length; i++) {
    acc = g.op('Add', [g.op('Mul', [acc, x], `${name}_m${i}`), g.doubles(`${name}_c${i}`, [], [coeffs[i]])], `${name}_a${i}`);
  }
  return acc;
}

/**
 * Φ⁻¹ of float64 probabilities given as `p` and its complement `q = 1 − p`, both computed by the caller so that
 * either tail keeps its relative precision. Values are in (0, 1); the caller masks 0 and 1. The polynomials run in
 * float64: in float32 the central one's cancellation alone costs 5e-5 of z.
 */
export function normalQuantileGraph(g: GraphBuilder, p: string, q: string, name: string): string {
  const half = g.doubles(`${name}_half`, [], [0.5]);
  const s = g.op('Sub', [p, half], `${name}_s`);
  const r = g.op('Mul', [s, s], `${name}_r`);
  const central = g.op('Div', [g.op('Mul', [horner(g, r, A, `${name}_A`), s], `${name}_As`), horner(g, r, B, `${name}_B`)], `${name}_central`);
  // Both tails at once: t = min(p, q), z = tail(√(−2 ln t)), negated in the upper one.
  const t = g.op('Min', [p, q], `${name}_t`);
  const rt = g.op('Sqrt', [g.op('Mul', [g.op('Log', [t], `${name}_lnt`), g.doubles(`${name}_m2`, [], [-2])], `${name}_m2lnt`)], `${name}_rt`);
  const tail = g.op('Div', [horner(g, rt, C, `${name}_C`), horner(g, rt, D, `${name}_D`)], `${name}_tail`);
  const upper = g.op('Less', [q, p], `${name}_upper`);
  const signed = g.op('Where', [upper, g.op('Neg', [tail], `${name}_neg`), tail], `${name}_signed`);
  const inTail = g.op('Less', [t, g.doubles(`${name}_low`, [], [LOW])], `${name}_intail`);
  return g.op('Where', [inTail, signed, central], `${name}_z`);
}
