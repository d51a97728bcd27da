// The update rules' settings and the maths the CPU reference and the GPU kernels share (Adam's folded step size).
// The rules themselves are written once per side: src/model/flat-optimizer.ts (CPU, float64 or float32) and
// shaders/optimizer.wgsl.

/** The update rules: `gd` is the notebook's full-batch gradient descent, `sgd` the same on mini-batches. */
export type OptimizerKind = 'adam' | 'sgd' | 'momentum' | 'gd';

/** The names accepted for `--optimizer`. */
export const OPTIMIZER_KINDS: readonly OptimizerKind[] = ['adam', 'sgd', 'momentum', 'gd'];

/** Hyper-parameters of the update rule. The GPU kernels and the CPU reference use the same formulas. */
export interface OptimizerSettings {
  readonly kind: OptimizerKind;
  /** Learning rate. */
  readonly lr: number;
  /** Momentum coefficient μ of `momentum`: v = μ·v + g, θ −= lr·v. */
  readonly momentum: number;
  /** Adam's decay of the first moment. */
  readonly beta1: number;
  /** Adam's decay of the second moment. */
  readonly beta2: number;
  /** Adam's ε, added to √v̂. */
  readonly epsilon: number;
}

/** Defaults: Adam's usual β1, β2, ε, momentum 0.9, and a learning rate that suits Adam on this MLP. */
export const OPTIMIZER_DEFAULTS: Omit<OptimizerSettings, 'kind'> = {
  lr: 2e-3,
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
};

/** The default learning rate per rule: plain gradient steps need a larger one than Adam. */
export function defaultLearningRate(kind: OptimizerSettings['kind']): number {
  return kind === 'adam' ? OPTIMIZER_DEFAULTS.lr : kind === 'momentum' ? 0.05 : 0.2;
}

/**
 * Adam's step size at step t (1-based) with the bias corrections folded in:
 * lr_t = lr·√(1 − β2^t)/(1 − β1^t), so θ −= lr_t·m/(√v + ε̂) with ε̂ = ε·√(1 − β2^t) equals the textbook
 * θ −= lr·m̂/(√v̂ + ε). The GPU kernel computes the same two numbers.
 */
export function adamStepScale(s: OptimizerSettings, t: number): { lrT: number; epsT: number } {
  const c2 = Math.sqrt(1 - s.beta2 ** t);
  return { lrT: (s.lr * c2) / (1 - s.beta1 ** t), epsT: s.epsilon * c2 };
}
