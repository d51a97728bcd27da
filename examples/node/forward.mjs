// The forward pass in Node: the notebook's network (numpy init, seed 42) on WebGPU, against the CPU reference.
// Prints one JSON line: where it ran, the outputs, the largest difference, and the first vs later pass times.
import { createMatrix, createModel, openRuntime } from 'spotify-mlp';

const m = Number(process.argv[2] ?? 1000);
const X = createMatrix(
  13,
  m,
  Float32Array.from({ length: 13 * m }, (_, i) => ((i * 7919) % 1000) / 1000),
);
const model = createModel({ seed: 42, rng: 'numpy' });

const gpu = await openRuntime('auto'); // Dawn on the GPU, SwiftShader without one, else the fast CPU backend
const cpu = await openRuntime('reference'); // the float64 CPU reference
const backend = await gpu.backend(model); // keep one backend: the first pass compiles the pipelines
const times = [];
let out;
for (let i = 0; i < 6; i++) {
  const t0 = performance.now();
  out = (await backend.forward(X)).out;
  times.push(performance.now() - t0);
}
const ref = (await (await cpu.backend(model)).forward(X)).out;
const maxDiff = out.data.reduce((d, v, i) => Math.max(d, Math.abs(v - ref.data[i])), 0);
const later = times.slice(1).sort((a, b) => a - b)[2];
console.log(JSON.stringify({ kind: gpu.kind, description: gpu.description, m, maxDiff, firstMs: times[0], laterMs: later, out: Array.from(out.data) }));
gpu.close();
cpu.close();
