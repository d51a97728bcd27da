// The one object that owns the device: it hands out forward backends and trainers on the GPU (or on the CPU
// reference when there is none), and close() disposes every one of them and then the device. The CLI, the page,
// the benchmarks and the tests all open one of these; nothing else decides "gpu or cpu".
import { createCpuBackend } from '../reference/backend.ts';
import { createGpuBackend, type GpuBackendOptions } from '../gpu/backend.ts';
import type { GpuContext } from '../gpu/device.ts';
import { createGpuMultiTrainer, createGpuTrainer } from '../gpu/train/create.ts';
import type { TrainerKernel } from '../gpu/train/program.ts';
import type { BackendKind, EnsembleBackend, MlpBackend } from '../model/backend.ts';
import { CpuEnsemble } from '../reference/ensemble.ts';
import { ensembleFitsOneDispatch, GpuEnsemble } from '../gpu/ensemble.ts';
import type { Params } from '../model/params.ts';
import { checkParams } from '../model/validate.ts';
import type { MultiTrainer, TrainableBackend } from '../model/trainable.ts';
import { CpuMultiTrainer } from '../reference/multi-trainer.ts';
import { createCpuTrainer } from '../reference/trainer.ts';
import { createFastBackend, fastDescription } from '../fast/backend.ts';
import { defaultBuild } from '../fast/kernels.ts';
import { createFastEnsemble } from '../fast/ensemble.ts';
import { createFastMultiTrainer } from '../fast/multi-trainer.ts';
import type { FastPool } from '../fast/pool.ts';
import { createFastTrainer } from '../fast/trainer.ts';

/**
 * What a caller asks for: `auto` takes the GPU when an adapter opens and the fast CPU backend otherwise; `cpu` is the
 * fast float32 backend (src/fast/), `reference` the float64 CPU reference.
 */
export type BackendChoice = BackendKind | 'auto' | 'reference';

/** Which CPU implementation a runtime without a device hands out. */
export type CpuFlavour = 'fast' | 'reference';

/** The values `--backend` accepts. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'gpu', 'cpu', 'reference'];

/** Options of {@link Runtime.trainer}. */
export interface TrainerOptions {
  /** The GPU step program: `fused` (fastest, widths ≤ 64), `layered` (tiled matmul_bias per layer), `auto`. */
  readonly kernel?: TrainerKernel;
}

/** Where models run. Everything it hands out is disposed by {@link Runtime.close}. */
export interface Runtime {
  /** What it got: `gpu` when it holds a device, else `cpu` (the fast CPU backend or the float64 reference). */
  readonly kind: BackendKind;
  /** One line naming where things run, e.g. the adapter. */
  readonly description: string;
  /** The device, or null on the CPU. */
  readonly gpu: GpuContext | null;
  /** A forward-only backend holding `params`. */
  backend(params: Params, options?: GpuBackendOptions): Promise<MlpBackend>;
  /** A trainable backend starting from `params`. */
  trainer(params: Params, options?: TrainerOptions): Promise<TrainableBackend>;
  /**
   * K models of the same dims trained together (a sweep or an ensemble): on the GPU in the same dispatches; on the
   * fast CPU backend split over the pool's workers, one per core; on the reference, one float64 trainer each.
   */
  multiTrainer(params: readonly Params[], options?: TrainerOptions): Promise<MultiTrainer>;
  /** An ensemble of `members` (same dims), averaged; on the GPU every member runs in one dispatch. */
  ensemble(members: readonly Params[]): Promise<EnsembleBackend>;
  /** Disposes every backend and trainer handed out, then closes the device. Safe to call twice. */
  close(): void;
}

/**
 * The backend of a model file's network: its ensemble when it has members (averaged; every member in one dispatch
 * on the GPU), else its one network.
 */
export function modelBackend(runtime: Runtime, model: { readonly params: Params; readonly members?: readonly Params[] }): Promise<MlpBackend> {
  return model.members ? runtime.ensemble(model.members) : runtime.backend(model.params);
}

const CPU_DESCRIPTION = 'CPU reference (float64, JavaScript)';

/** The fast runtime: one model on one thread, K models over the pool's threads. */
function fastRuntimeDescription(pool?: FastPool): string {
  return fastDescription(defaultBuild(), pool && pool.threads > 1 ? `one thread; K models on ${pool.threads} threads` : 'one thread');
}

/**
 * A runtime on `gpu`, or on the CPU when it is null: the float64 reference unless `cpu` is `fast`;
 * `closeDevice` runs last in close(). `pool` starts the workers the fast multi-trainer spreads K models over.
 */
export function createRuntime(gpu: GpuContext | null, closeDevice: () => void = () => {}, cpu: CpuFlavour = 'reference', pool?: FastPool): Runtime {
  const fast = cpu === 'fast';
  const handedOut = new Set<{ dispose(): void }>();
  let closed = false;
  const track = <T extends { dispose(): void }>(backend: T): T => {
    if (closed) {
      backend.dispose();
      throw new Error('This runtime is closed; open a new one.');
    }
    handedOut.add(backend);
    return backend;
  };
  const live = (): void => {
    if (closed) throw new Error('This runtime is closed; open a new one.');
  };
  return {
    kind: gpu ? 'gpu' : 'cpu',
    description: gpu ? `WebGPU on ${gpu.description}` : fast ? fastRuntimeDescription(pool) : CPU_DESCRIPTION,
    gpu,
    async backend(params, options = {}) {
      live();
      checkParams(params); // the boundary: the page, the CLI and the library all get their backends here
      if (gpu) return track(await createGpuBackend(gpu, params, options));
      if (!fast) return track(createCpuBackend(params));
      return track(await createFastBackend(params));
    },
    async trainer(params, options = {}) {
      live();
      checkParams(params);
      return track(gpu ? createGpuTrainer(gpu, params, options.kernel ?? 'auto') : fast ? await createFastTrainer(params) : createCpuTrainer(params));
    },
    async multiTrainer(params, options = {}) {
      live();
      params.forEach((p) => checkParams(p));
      if (gpu) return track(createGpuMultiTrainer(gpu, params, options.kernel ?? 'auto'));
      return track(fast ? await createFastMultiTrainer(params, { pool }) : new CpuMultiTrainer(params));
    },
    async ensemble(members) {
      live();
      members.forEach((p) => checkParams(p));
      if (gpu && ensembleFitsOneDispatch(members[0].dims)) return track(new GpuEnsemble(gpu, members));
      return track(fast ? await createFastEnsemble(members) : new CpuEnsemble(members));
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        for (const backend of handedOut) backend.dispose();
        handedOut.clear();
      } finally {
        closeDevice();
      }
    },
  };
}
