// Our WebGPU backend as a benchmark peer, the same code in the page and in Node: only the runtime differs.
import { matrix } from '../../src/model/matrix.ts';
import type { TrainableBackend } from '../../src/model/trainable.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { stepSettings } from '../data.ts';
import type { BenchData, Op, OpOutput, Peer, PeerCase, TrainSettings } from '../types.ts';

/** spotify-mlp on the runtime's device: its backend for the forward operations, its trainer for training. */
export function createSpotifyPeer(runtime: Runtime): Peer {
  return {
    impl: 'spotify-mlp',
    ops: ['forward', 'forward+cache', 'train-step', 'epoch'],
    adapter: runtime.gpu?.description ?? runtime.description,
    async prepare(op: Op, data: BenchData, train: TrainSettings): Promise<PeerCase> {
      if (op === 'forward' || op === 'forward+cache') {
        const backend = await runtime.backend(data.params);
        const cache = op === 'forward+cache';
        return {
          async run(): Promise<OpOutput> {
            const r = await backend.forward(data.X, { cache });
            return { out: r.out.data, cache: r.cache?.map((c) => c.data) };
          },
          dispose: () => backend.dispose(),
        };
      }
      return trainCase(await runtime.trainer(data.params), op, data, train);
    },
    dispose() {},
  };
}

async function trainCase(backend: TrainableBackend, op: Op, data: BenchData, train: TrainSettings): Promise<PeerCase> {
  const empty = matrix(data.X.rows, 0, new Float32Array(0));
  await backend.startTraining({ xTrain: data.X, yTrain: data.Y, xTest: empty, yTest: matrix(1, 0, new Float32Array(0)) }, stepSettings(op, train));
  return {
    async run(): Promise<OpOutput> {
      // The loss of the parameters the step starts from, read back as TF.js's minimize returns it; evaluate()
      // is a separate forward pass over the whole set, so ours does a little more work than the peers here.
      const loss = op === 'train-step' ? (await backend.evaluate()).trainLoss : Number.NaN;
      await backend.trainEpoch();
      return { loss: op === 'train-step' ? loss : (await backend.evaluate()).trainLoss };
    },
    readParams: () => backend.readParams(),
    dispose: () => backend.dispose(),
  };
}
