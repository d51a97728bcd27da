// The four update rules on the CPU, written once over a flat parameter vector in either precision: the float64
// reference (src/reference/trainer.ts, over Float64Array) and the float32 fast backend (src/fast/) both step with this class. The GPU's
// twin is shaders/optimizer.wgsl; Adam's folded step size, shared by all three, is adamStepScale.
import { adamStepScale, type OptimizerSettings } from './optimizer.ts';

/** A flat float vector: the reference's Float64Array or the fast backend's Float32Array. */
export type FloatVector = Float32Array | Float64Array;

/** One optimizer with its state (velocity or moments) for a flat vector of `size` parameters, stored as `A`. */
export class FlatOptimizer<A extends FloatVector> {
  /** Steps taken so far. */
  t = 0;
  private readonly m: A;
  private readonly v: A;

  /** `vector` makes the state vectors, in the precision of the parameters (`Float64Array` or `Float32Array`). */
  constructor(
    readonly settings: OptimizerSettings,
    size: number,
    vector: new (length: number) => A,
  ) {
    this.m = new vector(size);
    this.v = new vector(size);
  }

  /** Updates `theta` in place from the gradient `grad` (same flat layout); zero padding stays zero, as its gradient is. */
  step(theta: A, grad: ArrayLike<number>): void {
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
