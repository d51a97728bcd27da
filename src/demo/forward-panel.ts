// The forward-pass panel: the same weights on the GPU (float32) and the CPU reference (float64), timed and compared value by value.
import { initialization } from '../reference/init.ts';
import { type Matrix, shapeOf } from '../model/matrix.ts';
import { NOTEBOOK_DIMS, type Params } from '../model/params.ts';
import { encodeInput } from '../model/encoding.ts';
import type { App } from './app.ts';
import type { CpuForwardReply, CpuForwardRequest } from './cpu-worker.ts';
import { byId, el, errorText, fmt, fmtMs, showError, type Stat, statGrid } from './dom.ts';
import { deadUnits, heatmapFigure } from './heatmap.ts';
import { demoStatus, type ForwardStatus } from './status.ts';

/** Examples shown in each heatmap. */
const HEATMAP_WINDOW = 160;

/**
 * The float32 tolerance of a chain of `layers` dot products of inner size up to `k` (the GPU tests' rule):
 * |gpu − cpu| ≤ atol + rtol·|cpu|.
 */
export function f32Tolerance(k: number, layers: number): { atol: number; rtol: number } {
  const eps = 2 ** -23;
  const grow = Math.max(1, Math.sqrt(k)) * layers;
  return { atol: 8 * eps * grow, rtol: 16 * eps * grow };
}

/** Wires the panel: the button re-initializes the weights; new data or a new model re-runs the check. */
export function initForwardPanel(app: App): void {
  byId('run-forward').addEventListener('click', () => {
    const numpy = byId<HTMLInputElement>('init-numpy').checked;
    const raw = Number(byId<HTMLInputElement>('init-seed').value);
    const seed = Number.isInteger(raw) && raw >= 0 ? raw : 42;
    const params = initialization(NOTEBOOK_DIMS, { seed, rng: numpy ? 'numpy' : 'seedrandom' });
    app.setModel({
      params,
      scaler: app.dataset?.scaler ?? null,
      source: 'init',
      label: `He init, seed ${seed}${numpy ? " (numpy-compatible: the notebook's exact W)" : ' (seedrandom)'}`,
    });
  });
  app.on('model', () => void runCheck(app));
  app.on('dataset', () => {
    if (app.model === null) {
      app.setModel({
        params: initialization(NOTEBOOK_DIMS, { seed: 42 }),
        scaler: app.dataset?.scaler ?? null,
        source: 'init',
        label: 'He init, seed 42 (seedrandom)',
      });
    } else {
      void runCheck(app);
    }
  });
}

let running: Promise<void> = Promise.resolve();

/** Runs the check after any check already in progress, so two never race for the GPU. */
function runCheck(app: App): Promise<void> {
  running = running.then(() => check(app));
  return running;
}

async function check(app: App): Promise<void> {
  const dataset = app.dataset;
  const model = app.model;
  if (dataset === null || model === null) return;
  const box = byId('forward-result');
  const errorBox = byId('global-error');
  // The network's input: the scaled rows through the model's encoder, when it has one.
  const X = encodeInput(model.encoder, dataset.xTrain);
  const button = byId<HTMLButtonElement>('run-forward');
  button.disabled = true;
  box.replaceChildren(el('p', {}, `Running the forward pass over ${X.cols.toLocaleString('en-US')} examples…`));
  try {
    const cpu = runCpuReference(model.params, X);
    let gpuCache: Matrix[] | null = null;
    let gpuMs: number | null = null;
    if (app.runtime.gpu !== null) {
      const backend = await app.runtime.backend(model.params);
      try {
        await backend.forward(X, { cache: true }); // compiles the pipelines; the timed run below is warm
        const t0 = performance.now();
        gpuCache = (await backend.forward(X, { cache: true })).cache ?? null;
        gpuMs = performance.now() - t0;
      } finally {
        backend.dispose();
      }
    }
    const { cache: cpuCache, ms: cpuMs } = await cpu;
    const result = compare(gpuCache, cpuCache, model.params.dims);
    const status = demoStatus();
    const names = cpuCache.map((_, i) => `${i % 2 === 0 ? 'Z' : 'A'}${Math.floor(i / 2) + 1}`);
    const activations = cpuCache.filter((_, i) => i % 2 === 1);
    const dead = activations.map(deadUnits);
    const forward: ForwardStatus = {
      ranOn: gpuCache === null ? 'cpu' : 'gpu',
      m: X.cols,
      ...result,
      gpuMs,
      cpuMs,
      shapes: Object.fromEntries(names.map((n, i) => [n, shapeOf(cpuCache[i])])),
      weights: model.label,
      deadFraction: activations.map((A, l) => dead[l] / A.rows),
      runs: (status.forward?.runs ?? 0) + 1,
    };
    status.forward = forward;
    render(box, forward, X);
    byId('heatmaps').replaceChildren(...activations.map((A, l) => heatmapFigure(`A${l + 1}`, A, dead[l], HEATMAP_WINDOW)));
    status.ready = true;
  } catch (err) {
    box.replaceChildren();
    showError(errorBox, errorText(err));
  } finally {
    button.disabled = false;
  }
}

/** The reference forward pass in cpu-worker.ts, off the UI thread. */
function runCpuReference(params: Params, X: Matrix): Promise<{ cache: Matrix<Float64Array>[]; ms: number }> {
  const worker = new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module', name: 'cpu-reference' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<CpuForwardReply>) => {
      worker.terminate();
      const reply = event.data;
      if (reply.type === 'done') resolve({ cache: reply.cache, ms: reply.ms });
      else reject(new Error(`The CPU reference failed: ${reply.message}`));
    };
    worker.onerror = (event: ErrorEvent) => {
      worker.terminate();
      reject(new Error(`The CPU reference worker failed: ${event.message}`));
    };
    worker.postMessage({ params, X } satisfies CpuForwardRequest);
  });
}

/** Largest difference over every Z and A, and whether each element is within the float32 tolerance. */
function compare(gpu: Matrix[] | null, cpu: Matrix[], dims: readonly number[]): Pick<ForwardStatus, 'maxAbsDiff' | 'tolerance' | 'withinTolerance'> {
  if (gpu === null) return { maxAbsDiff: null, tolerance: null, withinTolerance: null };
  const { atol, rtol } = f32Tolerance(Math.max(...dims.slice(0, -1)), dims.length - 1);
  let maxDiff = 0;
  let maxRef = 0;
  let ok = true;
  for (let i = 0; i < cpu.length; i++) {
    const want = cpu[i].data;
    const got = gpu[i].data;
    if (got.length !== want.length) throw new Error(`The GPU returned ${got.length} values for cache entry ${i}, expected ${want.length}.`);
    for (let j = 0; j < want.length; j++) {
      const d = Math.abs(got[j] - want[j]);
      const ref = Math.abs(want[j]);
      if (!(d <= atol + rtol * ref)) ok = false;
      if (d > maxDiff || Number.isNaN(d)) maxDiff = Number.isNaN(d) ? Infinity : d;
      if (ref > maxRef) maxRef = ref;
    }
  }
  return { maxAbsDiff: maxDiff, tolerance: atol + rtol * maxRef, withinTolerance: ok };
}

function render(box: HTMLElement, f: ForwardStatus, X: Matrix): void {
  const stats: Stat[] = [];
  if (f.ranOn === 'gpu') {
    stats.push(
      { label: 'GPU (float32)', value: fmtMs(f.gpuMs), sub: 'upload, all layers, whole cache read back', testid: 'gpu-ms' },
      { label: 'CPU reference (float64)', value: fmtMs(f.cpuMs), sub: 'JavaScript, in a worker', testid: 'cpu-ms' },
      { label: 'GPU vs CPU', value: f.gpuMs === null ? '—' : `${(f.cpuMs / f.gpuMs).toFixed(1)}×`, sub: 'CPU time / GPU time' },
      {
        label: 'Max |GPU − CPU|',
        value: fmt(f.maxAbsDiff, 3),
        testid: 'max-diff',
        tone: f.withinTolerance ? 'good' : 'bad',
        sub: f.withinTolerance ? `within float32 tolerance (≤ ${fmt(f.tolerance, 2)})` : `OVER the float32 tolerance ${fmt(f.tolerance, 2)}`,
      },
    );
  } else {
    stats.push(
      { label: 'CPU reference (float64)', value: fmtMs(f.cpuMs), sub: 'JavaScript, in a worker', testid: 'cpu-ms' },
      { label: 'GPU check', value: 'skipped', sub: 'no WebGPU device in this browser', testid: 'max-diff' },
    );
  }
  const shapes = Object.entries(f.shapes);
  box.replaceChildren(
    el('p', {}, `Weights: ${f.weights}. Input X ${shapeOf(X)}: the scaled training set, one column per song.`),
    statGrid(stats),
    el(
      'p',
      { class: 'shapes', 'data-testid': 'cache-shapes' },
      el('strong', {}, 'Cache shapes: '),
      shapes.map(([name, shape]) => `${name} ${shape}`).join(' · '),
    ),
  );
}
