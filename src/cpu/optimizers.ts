// The update rules on the CPU, over the flat parameter vector: the reference the GPU kernels are checked against.
import type { OptimizerSettings } from '../model/trainable.ts';

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

/** One optimizer with its state (velocity or moments) for a flat vector of `size` parameters. */
export class CpuOptimizer {
  /** Steps taken so far. */
  t = 0;
  private readonly m: Float64Array;
  private readonly v: Float64Array;

  constructor(readonly settings: OptimizerSettings, size: number) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** Updates `theta` in place from the gradient `grad` (both flat, same layout). */
  step(theta: Float64Array, grad: ArrayLike<number>): void {
    const s = this.settings;
    this.t++;
    switch (s.kind) {
      case 'gd':
      case 'sgd':
        for (let i = 0; i < theta.length; i++) theta[i] -= s.lr * grad[i];
        break;
      case 'momentum':
        for (let i = 0; i < theta.length; i++) {
          this.m[i] = s.momentum * this.m[i] + grad[i];
          theta[i] -= s.lr * this.m[i];
        }
        break;
      case 'adam': {
        const { lrT, epsT } = adamStepScale(s, this.t);
        for (let i = 0; i < theta.length; i++) {
          const g = grad[i];
          this.m[i] = s.beta1 * this.m[i] + (1 - s.beta1) * g;
          this.v[i] = s.beta2 * this.v[i] + (1 - s.beta2) * g * g;
          theta[i] -= (lrT * this.m[i]) / (Math.sqrt(this.v[i]) + epsT);
        }
        break;
      }
    }
  }
}
