// One case from start to end, in whichever runtime holds the peer: prepare, run once and check, then time, then free.
import { checkEpochParams, checkForward, checkLoss, checkParams, EPOCH_LOSS_RTOL, WrongResultError } from './check.ts';
import { makeBenchData, TRAIN } from './data.ts';
import { DEFAULT_POLICY, timeCase } from './measure.ts';
import { referenceEpoch, referenceSgdStep, trainingLoss } from './reference.ts';
import type { BenchData, BenchRecord, Impl, Op, OpOutput, Peer, PeerCase, Runtime, SkipRecord } from './types.ts';

// The inputs of the last m asked for: every peer at that m gets the very same arrays.
let current: BenchData | undefined;
let referenceStep: { m: number; loss: number; params: BenchData['params'] } | undefined;
let referenceAdam: { m: number; params: BenchData['params'] } | undefined;

/** The benchmark data for m, made once per m. */
export function dataFor(m: number): BenchData {
  if (current?.m !== m) current = makeBenchData(m);
  return current;
}

async function checkRun(peer: Peer, op: Op, data: BenchData, c: PeerCase, first: OpOutput): Promise<void> {
  const what = `${peer.impl} ${op} at m=${data.m}`;
  if (op === 'forward') checkForward(what, data, first.out);
  else if (op === 'forward+cache') checkForward(what, data, first.out, first.cache);
  else if (op === 'train-step') {
    if (referenceStep?.m !== data.m) referenceStep = { m: data.m, ...referenceSgdStep(data.params, data.X, data.Y, TRAIN.sgdLearningRate) };
    checkLoss(what, first.loss, referenceStep.loss);
    if (!c.readParams) throw new Error(`${what}: the peer cannot read its parameters back for the check.`);
    checkParams(what, await c.readParams(), referenceStep.params);
  } else {
    if (first.loss === undefined || !Number.isFinite(first.loss)) throw new WrongResultError(`${what}: the epoch's loss is ${first.loss}.`);
    if (referenceAdam?.m !== data.m) referenceAdam = { m: data.m, params: await referenceEpoch(data, TRAIN) };
    if (!c.readParams) throw new Error(`${what}: the peer cannot read its parameters back for the check.`);
    const got = await c.readParams();
    checkEpochParams(what, got, referenceAdam.params, data.params, Math.ceil(data.m / TRAIN.batchSize));
    const [lossGot, lossWant] = [trainingLoss(got, data), trainingLoss(referenceAdam.params, data)];
    if (!(Math.abs(lossGot - lossWant) <= EPOCH_LOSS_RTOL * lossWant)) {
      throw new WrongResultError(`${what}: training loss after the epoch is ${lossGot}, the reference trainer's ${lossWant}.`);
    }
  }
}

/**
 * Prepares `op` at `m` on `peer`, runs it once and checks the result against the CPU reference (throwing if it is
 * wrong), then times it unless that one run already took longer than `maxRunMs`.
 */
export async function measureCase(peer: Peer, runtime: Runtime, op: Op, m: number, maxRunMs: number): Promise<BenchRecord | SkipRecord> {
  const data = dataFor(m);
  const c = await peer.prepare(op, data, TRAIN);
  try {
    const t0 = performance.now();
    const first = await c.run();
    const firstMs = performance.now() - t0;
    await checkRun(peer, op, data, c, first);
    if (firstMs > maxRunMs) {
      // The first run also compiles shaders for the new shapes; only a slow warm run rules the case out.
      const t1 = performance.now();
      await c.run();
      const warmMs = performance.now() - t1;
      if (warmMs > maxRunMs) {
        return skip(peer.impl, runtime, op, m, `a warm run took ${(warmMs / 1000).toFixed(1)} s, over the ${maxRunMs / 1000} s limit per run`);
      }
    }
    const id = { impl: peer.impl, runtime, adapter: peer.adapter, op, m, variant: peer.variant };
    // A slow case is warm after its checked run: a further warm-up would only spend the time budget.
    return await timeCase(id, c, { ...DEFAULT_POLICY, warmups: firstMs > DEFAULT_POLICY.targetMs ? 0 : DEFAULT_POLICY.warmups });
  } finally {
    await c.dispose();
  }
}

/** A skip record with its reason. */
export function skip(impl: Impl, runtime: Runtime, op: Op, m: number, skipped: string): SkipRecord {
  return { impl, runtime, op, m, skipped };
}
