// Our float64 CPU reference as a benchmark peer: forward, forward+cache, and the SGD step the trainers are checked against.
import { feedForward } from '../../src/reference/forward.ts';
import { cloneParams, type Params } from '../../src/model/params.ts';
import { matrix } from '../../src/model/matrix.ts';
import { CpuTrainer } from '../../src/reference/trainer.ts';
import { stepSettings } from '../data.ts';
import { referenceSgdStep } from '../reference.ts';
import type { BenchData, Op, OpOutput, Peer, PeerCase, TrainSettings } from '../types.ts';

/** The CPU reference (plain JavaScript, float64, one thread) wrapped as a peer. */
export function createCpuReferencePeer(): Peer {
  return {
    impl: 'cpu-reference',
    ops: ['forward', 'forward+cache', 'train-step', 'epoch'],
    adapter: 'CPU (JavaScript, float64, 1 thread)',
    async prepare(op: Op, data: BenchData, train: TrainSettings): Promise<PeerCase> {
      if (op === 'forward' || op === 'forward+cache') {
        return {
          async run(): Promise<OpOutput> {
            const { yOut, cache } = feedForward(data.X, data.params);
            return op === 'forward' ? { out: yOut.data } : { out: yOut.data, cache: cache.map((c) => c.data) };
          },
          dispose() {},
        };
      }
      if (op === 'epoch') return epochCase(data, train);
      let params: Params = cloneParams(data.params);
      return {
        async run(): Promise<OpOutput> {
          const step = referenceSgdStep(params, data.X, data.Y, train.sgdLearningRate);
          params = step.params;
          return { loss: step.loss };
        },
        readParams: async () => cloneParams(params),
        dispose() {},
      };
    },
    dispose() {},
  };
}

/** One epoch of mini-batch Adam by the CPU reference trainer, then its training loss (as ours reads it back). */
async function epochCase(data: BenchData, train: TrainSettings): Promise<PeerCase> {
  const trainer = new CpuTrainer(data.params);
  const none = matrix(data.X.rows, 0, new Float64Array(0));
  await trainer.startTraining({ xTrain: data.X, yTrain: data.Y, xTest: none, yTest: matrix(1, 0, new Float64Array(0)) }, stepSettings('epoch', train));
  return {
    async run(): Promise<OpOutput> {
      await trainer.trainEpoch();
      return { loss: (await trainer.evaluate()).trainLoss };
    },
    readParams: () => trainer.readParams(),
    dispose() {},
  };
}
