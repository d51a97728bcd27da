// The four update rules over the fast backend's float32 flat vectors: the reference's formulas (src/cpu/optimizers.ts),
// with Adam's folded step size from src/model/optimizer.ts, so both trainers take the same steps.
import { adamStepScale, type OptimizerSettings } from '../model/optimizer.ts';

/** One optimizer with its float32 state (velocity or moments) for `size` parameters. */
export class FastOptimizer {
  /** Steps taken so far. */
  t = 0;
  private readonly m: Float32Array;
  private readonly v: Float32Array;

  constructor(readonly settings: OptimizerSettings, size: number) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** Updates `theta` in place from `grad` (same flat layout); the padding stays zero because its gradient is. */
  step(theta: Float32Array, grad: Float32Array): void {
    const s = this.settings;
    const { m, v } = this;
    this.t++;
    switch (s.kind) {
      case 'gd':
      case 'sgd':
        for (let i = 0; i < theta.length; i++) theta[i] -= s.lr * grad[i];
        break;
      case 'momentum':
        for (let i = 0; i < theta.length; i++) {
          m[i] = s.momentum * m[i] + grad[i];
          theta[i] -= s.lr * m[i];
        }
        break;
      case 'adam': {
        const { lrT, epsT } = adamStepScale(s, this.t);
        const { beta1, beta2 } = s;
        for (let i = 0; i < theta.length; i++) {
          const g = grad[i];
          m[i] = beta1 * m[i] + (1 - beta1) * g;
          v[i] = beta2 * v[i] + (1 - beta2) * g * g;
          theta[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + epsT);
        }
        break;
      }
    }
  }
}
