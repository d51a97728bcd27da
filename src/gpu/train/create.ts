// The GPU trainer's two doors: K models trained together, and one model seen as a TrainableBackend.
import type { Params } from '../../model/params.ts';
import { singleModel, type TrainableBackend } from '../../model/trainable.ts';
import type { GpuContext } from '../device.ts';
import { programFor, type TrainerKernel } from './program.ts';
import { GpuTrainer } from './trainer.ts';

/** K models trained together on `ctx` (the fused program; the layered one holds a single model). */
export function createGpuMultiTrainer(ctx: GpuContext, params: readonly Params[], kernel: TrainerKernel = 'auto'): GpuTrainer {
  return new GpuTrainer(ctx, params, programFor(params[0].dims, kernel));
}

/**
 * A GPU trainer of one model on `ctx` starting from `params`: the K = 1 case of the same trainer. `auto` takes the
 * fused program wherever the fused forward kernel fits the widths (bench/TRAINING.md), and the layered one otherwise.
 */
export function createGpuTrainer(ctx: GpuContext, params: Params, kernel: TrainerKernel = 'auto'): TrainableBackend {
  const trainer = new GpuTrainer(ctx, [params], programFor(params.dims, kernel));
  return singleModel(
    trainer,
    (X, options) => trainer.forward(X, options),
    (p) => trainer.setParams(p),
  );
}
