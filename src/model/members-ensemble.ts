// An ensemble of K backends of the same dims, each member's forward pass in turn, outputs averaged: the CPU
// reference's and the fast backend's ensembles (the GPU runs every member in one dispatch instead).
import { averageOutputs, type EnsembleBackend, type ForwardOptions, type ForwardResult, type MlpBackend } from './backend.ts';
import type { Matrix } from './matrix.ts';
import type { Params } from './params.ts';

/** K backends whose outputs are averaged; `open` makes the one backend setParams replaces them with. */
export class MembersEnsemble implements EnsembleBackend {
  readonly kind = 'cpu' as const;
  readonly dims: readonly number[];

  constructor(
    private backends: MlpBackend[],
    readonly description: string,
    private readonly open: (params: Params) => Promise<MlpBackend>,
  ) {
    if (backends.length < 1) throw new RangeError('An ensemble needs at least one member.');
    this.dims = backends[0].dims;
  }

  get members(): number {
    return this.backends.length;
  }

  async setParams(params: Params): Promise<void> {
    const next = await this.open(params);
    this.dispose();
    this.backends = [next];
  }

  async forward(X: Matrix, options: ForwardOptions = {}): Promise<ForwardResult> {
    if (options.cache) throw new RangeError('An ensemble has no single cache; run a member on its own for one.');
    return { out: averageOutputs(await this.forwardMembers(X)) };
  }

  async forwardMembers(X: Matrix): Promise<Matrix[]> {
    const out: Matrix[] = [];
    for (const b of this.backends) out.push((await b.forward(X)).out);
    return out;
  }

  dispose(): void {
    for (const b of this.backends) b.dispose();
  }
}
