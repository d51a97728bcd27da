// Training in Node on WebGPU: the built-in synthetic tracks, a few epochs of Adam, then the model file.
// Prints one JSON line with the loss after each epoch and the test metrics; `cpu` as the argument trains on the fast CPU backend, `reference` on the float64 reference.
import { writeFileSync } from 'node:fs';
import { openRuntime, saveModel, syntheticData, train } from 'spotify-mlp';

const runtime = await openRuntime(process.argv[2] ?? 'gpu');
const data = syntheticData({ rows: 3000, seed: 7 });
const losses = [];
const result = await train(runtime, data, {
  epochs: 4,
  seed: 7,
  onEpoch: (e) => losses.push(e.trainLoss),
  signal: AbortSignal.timeout(600_000),
});
writeFileSync('model.json', saveModel(result.params, { scaler: result.scaler }));
console.log(JSON.stringify({ kind: runtime.kind, description: runtime.description, losses, test: result.metrics.test.model }));
runtime.close();
