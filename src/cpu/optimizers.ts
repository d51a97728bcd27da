// The update rules on the CPU, over the flat parameter vector: the reference the GPU kernels are checked against.
// Their formulas, once: src/model/optimizer.ts (settings, Adam's folded step size) and shaders/optimizer.wgsl.
import { adamStepScale, type OptimizerSettings } from '../model/optimizer.ts';

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
