// What a GPU step program is: the part of training that differs between the fused kernels and the layered
// kernels. The trainer (trainer.ts) owns the lifecycle, the flat buffers and the step table; a program builds the
// dispatches of one mini-batch step and of the evaluation on top of them.
import { type FusedParams, fusedSupports } from '../kernels/mlp-fused.ts';
import type { ForwardOptions, ForwardResult } from '../../model/backend.ts';
import type { BatchPlan } from '../../model/batches.ts';
import type { ParamLayout } from '../../model/flat-layout.ts';
import type { Matrix } from '../../model/matrix.ts';
import type { StepSettings } from '../../model/trainable.ts';
import type { Step } from '../structs.ts';

/** The values of one Step entry (see structs.ts). */
export type StepValues = Parameters<typeof Step.write>[0];

/** What the trainer holds for one run, and how a program allocates buffers that live exactly as long. */
export interface RunBuffers {
  readonly layout: ParamLayout;
  readonly settings: StepSettings;
  readonly plan: BatchPlan;
  /** Columns of every batch matrix: the batch size rounded up to 4 (a short last batch is zero-padded). */
  readonly stride: number;
  /** Rows of X and of Y. */
  readonly n0: number;
  readonly nL: number;
  /** Models trained together (K); every per-model buffer holds K copies back to back. */
  readonly models: number;
  /** The uniform array of each model's own lr and μ (structs.ts ModelHyper). */
  readonly hyper: GPUBuffer;
  /** The data, uploaded once: X (dims[0], m) and Y (dims[L], m) of each set, with its size and acc slot. */
  readonly sets: readonly DataSet[];
  /** The training set (also sets[0]). */
  readonly train: DataSet;
  /** This epoch's permutation of the training columns. */
  readonly order: GPUBuffer;
  /** Cross-validated members (model/folds.ts): per model, one weight per training column, 0 on its own fold. */
  readonly weights: GPUBuffer;
  /** m_train when the models have folds, else 0 (and `weights` is a placeholder nothing reads). */
  readonly weightStride: number;
  /** The Step uniform every training kernel reads; the trainer copies a table entry into it before each step. */
  readonly step: GPUBuffer;
  /** Per model 8 sums: Σ(A−Y)² and #(A>0) of each set at its slot (train 0, test 1, validation 2). */
  readonly acc: GPUBuffer;
  /** K flat vectors each (model/flat-layout.ts): parameters, last gradient, optimizer state 1 and 2. */
  readonly theta: GPUBuffer;
  readonly grad: GPUBuffer;
  readonly m1: GPUBuffer;
  readonly m2: GPUBuffer;
  /** A zeroed storage buffer freed with the run. */
  storage(label: string, bytes: number): GPUBuffer;
  /** A storage buffer holding `data` (u32 tables or f32 values), freed with the run. */
  upload(label: string, data: ArrayBuffer): GPUBuffer;
}

/** One uploaded set of examples. */
export interface DataSet {
  readonly X: GPUBuffer;
  readonly Y: GPUBuffer;
  readonly m: number;
  /** Its pair of sums in acc: 0 train, 1 test, 2 validation. */
  readonly slot: number;
}

/** A program's dispatches for one run. */
export interface ProgramRun {
  /** Step entries the evaluation needs (chunks of the data), written once after the training entries. */
  readonly fixedEntries: readonly StepValues[];
  /** Encodes one mini-batch (its Step already in place): forward with the cache, backward, then the update or, with
   * 'gradient', only the gradient into `grad`. */
  encodeStep(encoder: GPUCommandEncoder, mode: 'update' | 'gradient'): void;
  /** Encodes the loss sums of the current parameters into `acc`; `select(i)` puts fixed entry i into the Step. */
  encodeEvaluate(encoder: GPUCommandEncoder, select: (encoder: GPUCommandEncoder, fixed: number) => void): void;
}

/** One way of running a training step on the GPU, bound to one trainer's parameters. */
export interface StepProgram {
  readonly name: 'fused' | 'layered';
  /** Copies of the parameters in the program's own layouts, kept in step with θ (saved and restored with it), and
   * the bytes each model takes in them. */
  readonly copies: readonly { readonly buffer: GPUBuffer; readonly perModel: number }[];
  /** The K models packed for the fused forward kernel (one of `copies`), which an ensemble can run on; null if none. */
  readonly packedParams: FusedParams | null;
  /** Rewrites the copies from the K flat parameter vectors back to back (after setParams). */
  writeCopies(flat: Float32Array<ArrayBuffer>): void;
  /** A forward pass with the current parameters, read back. */
  forward(X: Matrix, options: ForwardOptions): Promise<ForwardResult>;
  /** Builds the run's dispatches on the trainer's buffers. */
  startRun(run: RunBuffers): ProgramRun;
}

/** Which step program: `fused` where the widths fit it (fastest), `layered` (any widths, one model), `auto` picks. */
export type TrainerKernel = 'auto' | 'fused' | 'layered';

/** Which program `kernel` means for these dims; `fused` that does not fit is refused in one sentence. */
export function programFor(dims: readonly number[], kernel: TrainerKernel): 'fused' | 'layered' {
  const fits = fusedSupports(dims);
  if (kernel === 'fused' && !fits) throw new RangeError(`The fused trainer does not fit dims [${dims.join(', ')}]; use the layered kernels.`);
  return kernel === 'layered' || !fits ? 'layered' : 'fused';
}
