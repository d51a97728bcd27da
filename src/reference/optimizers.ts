// The update rules of the float64 CPU reference, which the GPU kernels are checked against: the one CPU copy of
// the rules (src/model/flat-optimizer.ts) over Float64Array state. Settings and Adam's folded step size:
// src/model/optimizer.ts; the GPU's twin: shaders/optimizer.wgsl.
import { FlatOptimizer } from '../model/flat-optimizer.ts';
import type { OptimizerSettings } from '../model/optimizer.ts';

/** One optimizer with its float64 state (velocity or moments) for a flat vector of `size` parameters. */
export class CpuOptimizer extends FlatOptimizer<Float64Array> {
  constructor(settings: OptimizerSettings, size: number) {
    super(settings, size, Float64Array);
  }
}
