// The forward pass in a page: navigator.gpu when the browser has it, else the fast CPU backend (the page says so).
import { createMatrix, createModel, forward, openRuntime } from 'spotify-mlp';

const m = 256;
const X = createMatrix(
  13,
  m,
  Float32Array.from({ length: 13 * m }, (_, i) => ((i * 7919) % 1000) / 1000),
);
const model = createModel({ seed: 42, rng: 'numpy' });

const runtime = await openRuntime('auto');
document.querySelector('#device').textContent = `running on ${runtime.description}`;
const t0 = performance.now();
const { out } = await forward(runtime, model, X);
const ms = performance.now() - t0;
document.querySelector('#out').textContent = `A4[0..8] = ${Array.from(out.data.slice(0, 8), (v) => v.toFixed(5)).join(', ')}\n(${ms.toFixed(1)} ms)`;
// For the package test: the result, read by the headless browser.
window.__result = { kind: runtime.kind, description: runtime.description, m, out: Array.from(out.data) };
runtime.close();
