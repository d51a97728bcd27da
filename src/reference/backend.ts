// The CPU reference behind the common MlpBackend interface, so tests, the CLI and the demo switch with one word.
import type { ForwardOptions, ForwardResult, MlpBackend } from '../model/backend.ts';
import type { Matrix } from '../model/matrix.ts';
import { cloneParams, type Params } from '../model/params.ts';
import { checkDims } from '../model/validate.ts';
import { feedForward } from './forward.ts';

/** An MLP on the CPU in float64: the reference every GPU result is checked against. */
export class CpuBackend implements MlpBackend {
  readonly kind = 'cpu' as const;
  readonly description = 'CPU reference (float64, JavaScript)';
  private params: Params;

  constructor(params: Params) {
    checkDims(params.dims);
    this.params = cloneParams(params);
  }

  get dims(): readonly number[] {
    return this.params.dims;
  }

  /** The parameters in use (a copy). */
  getParams(): Params {
    return cloneParams(this.params);
  }

  async setParams(params: Params): Promise<void> {
    checkDims(params.dims);
    this.params = cloneParams(params);
  }

  async forward(X: Matrix, options: ForwardOptions = {}): Promise<ForwardResult> {
    const { yOut, cache } = feedForward(X, this.params);
    return options.cache ? { out: yOut, cache } : { out: yOut };
  }

  dispose(): void {}
}

/** A CPU reference backend holding a copy of `params`. */
export function createCpuBackend(params: Params): CpuBackend {
  return new CpuBackend(params);
}
