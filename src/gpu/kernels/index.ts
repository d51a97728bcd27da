// Every kernel interface, by kernel name: the list tests walk to check each shader in shaders/ against its one
// definition. Code that runs a kernel imports that kernel's own module, not this one.
import type { KernelInterface } from '../kernel-interface.ts';
import { BACKPROP_DZ } from './backprop-dz.ts';
import { BACKWARD_FUSED } from './backward-fused.ts';
import { LOSS_SUM } from './loss-sum.ts';
import { MATMUL_BIAS } from './matmul-bias.ts';
import { MLP_FUSED } from './mlp-fused.ts';
import { MLP_FUSED_GENERATED } from './mlp-fused-gen.ts';
import { MSE_GRAD } from './mse-grad.ts';
import { RELU } from './relu.ts';
import { TRAIN_GATHER } from './train-gather.ts';
import { TRAIN_UPDATE } from './train-update.ts';
import { UPDATE_FLAT } from './update-flat.ts';
import { WEIGHT_GRAD } from './weight-grad.ts';
import { WEIGHT_GRAD4 } from './weight-grad4.ts';

const ALL = [
  RELU,
  MATMUL_BIAS,
  MLP_FUSED,
  MLP_FUSED_GENERATED,
  TRAIN_GATHER,
  BACKWARD_FUSED,
  WEIGHT_GRAD4,
  TRAIN_UPDATE,
  UPDATE_FLAT,
  LOSS_SUM,
  MSE_GRAD,
  WEIGHT_GRAD,
  BACKPROP_DZ,
] as const;

/** Every kernel's interface, keyed by the kernel's name in shaders/ (and the generated forward kernel's). */
export const KERNEL_INTERFACES: Readonly<Record<string, KernelInterface>> = Object.fromEntries(ALL.map((k) => [k.kernel, k]));
