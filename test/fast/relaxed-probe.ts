// Run by test/fast/relaxed.test.ts in a Node started with --experimental-wasm-relaxed-simd (Node 20 needs the flag;
// Chromium validates relaxed SIMD by default): the relaxed build's forward pass and one mini-batch gradient against
// the float64 reference, printed as one JSON line.
import { createFastBackend } from '../../src/fast/backend.ts';
import { createFastTrainer } from '../../src/fast/trainer.ts';
import { feedForward } from '../../src/reference/forward.ts';
import { createCpuTrainer } from '../../src/reference/trainer.ts';
import { inputs, paramsFor, problem, settings } from './problems.ts';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};
const params = paramsFor([13, 64, 32, 16, 1], 3);
const X = inputs(13, 997);
const backend = await createFastBackend(params, { build: 'wasm-relaxed-simd' });
const forward = maxDiff((await backend.forward(X)).out.data, feedForward(X, params).yOut.data);
const { params: p2, data } = problem([13, 64, 32, 16, 1], 300, 10, 7);
const fast = await createFastTrainer(p2, { build: 'wasm-relaxed-simd' });
const cpu = createCpuTrainer(p2);
await fast.startTraining(data, settings('sgd', 128));
await cpu.startTraining(data, settings('sgd', 128));
const want = await cpu.batchGradients(1);
const gradient = maxDiff(await fast.batchGradients(1), want);
console.log(JSON.stringify({ build: backend.build, trainerBuild: fast.build, forward, gradient, gradientScale: Math.max(...want.map(Math.abs)) }));
