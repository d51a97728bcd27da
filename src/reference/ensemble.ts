// An ensemble on the CPU reference: each member's float64 forward pass, averaged.
import { MembersEnsemble } from '../model/members-ensemble.ts';
import type { Params } from '../model/params.ts';
import { CpuBackend } from './backend.ts';

/** K CPU reference networks whose outputs are averaged. */
export class CpuEnsemble extends MembersEnsemble {
  constructor(members: readonly Params[]) {
    super(
      members.map((p) => new CpuBackend(p)),
      `CPU reference ensemble of ${members.length}`,
      async (p) => new CpuBackend(p),
    );
  }
}
