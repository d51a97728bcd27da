// An ensemble on the CPU reference: each member's float64 forward pass, averaged.
import { averageOutputs, type EnsembleBackend, type ForwardOptions, type ForwardResult } from '../model/backend.ts';
import type { Matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import { CpuBackend } from './backend.ts';

/** K CPU reference networks whose outputs are averaged. */
export class CpuEnsemble implements EnsembleBackend {
  readonly kind = 'cpu' as const;
  readonly description: string;
  readonly dims: readonly number[];
  private backends: CpuBackend[];

  constructor(members: readonly Params[]) {
    if (members.length < 1) throw new RangeError('An ensemble needs at least one member.');
    this.backends = members.map((p) => new CpuBackend(p));
    this.dims = members[0].dims;
    this.description = `CPU reference ensemble of ${members.length}`;
  }

  get members(): number {
    return this.backends.length;
  }

  async setParams(params: Params): Promise<void> {
    this.backends = [new CpuBackend(params)];
  }

  async forward(X: Matrix, options: ForwardOptions = {}): Promise<ForwardResult> {
    if (options.cache) throw new RangeError('An ensemble has no single cache; run a member on its own for one.');
    return { out: averageOutputs(await this.forwardMembers(X)) };
  }

  async forwardMembers(X: Matrix): Promise<Matrix[]> {
    return Promise.all(this.backends.map(async (b) => (await b.forward(X)).out));
  }

  dispose(): void {}
}
