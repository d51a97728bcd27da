// An ensemble on the fast backend: each member's float32 forward pass on the SIMD kernels, averaged.
import { MembersEnsemble } from '../model/members-ensemble.ts';
import type { Params } from '../model/params.ts';
import { createFastBackend, type FastBackend } from './backend.ts';

/** K fast networks whose outputs are averaged. */
export async function createFastEnsemble(members: readonly Params[]): Promise<MembersEnsemble> {
  const backends: FastBackend[] = [];
  for (const p of members) backends.push(await createFastBackend(p));
  return new MembersEnsemble(backends, `${backends[0]?.description ?? 'CPU fast'} ensemble of ${members.length}`, createFastBackend);
}
