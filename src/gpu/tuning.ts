// Every tile and workgroup size the GPU kernels use, in one place; kernels.ts passes them to WGSL as overrides.

/** The shape of the matmul_bias kernel: which block of Z one workgroup computes, and how it reads its inputs. */
export interface MatmulTiling {
  /** A short name for labels, logs and tests. */
  readonly name: string;
  /** Invocations per workgroup along m (the examples). Each owns 4 adjacent columns. */
  readonly wgM: number;
  /** Invocations per workgroup along n (the output units). Each owns 4 rows. */
  readonly wgN: number;
  /** Depth of one k step staged in workgroup memory (tiled only). */
  readonly tileK: number;
  /** Stage W and A through workgroup memory (true), or read storage directly with no barriers (false). */
  readonly tiled: boolean;
}

/** Rows of Z per invocation in matmul_bias: its 4 named accumulators. Fixed by the kernel's code, not tunable. */
export const MATMUL_ROWS = 4;

/** Columns of Z per invocation in matmul_bias: the lanes of each vec4 accumulator. Fixed by the kernel's code. */
export const MATMUL_COLS = 4;

/**
 * The variants the scheduler can pick. `tiled` is the classic workgroup-memory kernel for real GPUs; `direct`
 * has no barriers and is what SwiftShader (a CPU) runs fastest (bench/KERNELS.md). Tests run every entry.
 */
export const MATMUL_TILINGS = {
  tiled: { name: 'tiled', wgM: 16, wgN: 4, tileK: 16, tiled: true },
  direct: { name: 'direct', wgM: 64, wgN: 1, tileK: 16, tiled: false },
} as const satisfies Record<string, MatmulTiling>;

/** Columns of Z one workgroup covers: dispatch x is ceil(m / this). */
export function tileM(t: MatmulTiling): number {
  return t.wgM * MATMUL_COLS;
}

/** Rows of Z one workgroup covers: dispatch y is ceil(n / this). */
export function tileN(t: MatmulTiling): number {
  return t.wgN * MATMUL_ROWS;
}

/** The tiling for an adapter: `direct` on CPU implementations such as SwiftShader, `tiled` on real GPUs. */
export function pickMatmulTiling(adapter: { readonly architecture: string; readonly isFallbackAdapter: boolean }): MatmulTiling {
  return adapter.isFallbackAdapter || adapter.architecture === 'swiftshader' ? MATMUL_TILINGS.direct : MATMUL_TILINGS.tiled;
}

/** Invocations per workgroup of the element-wise kernels (relu, relu_mask). */
export const ELEMENTWISE_WORKGROUP = 64;

/**
 * Most examples (columns) one forward chunk takes, even where the binding limits allow more: it bounds the GPU
 * memory a huge X needs (the cache costs 4·2·Σdims bytes per column, plus as much again for read-back).
 */
export const DEFAULT_MAX_CHUNK_COLUMNS = 1 << 17;

/** The whole-MLP kernel (mlp_fused.wgsl): workgroup size, and the widest layer its private arrays hold. */
export const FUSED = {
  /** Invocations per workgroup; each carries 4 examples. */
  workgroup: 64,
  /** Widest layer, in units (a multiple of 4), the kernel is compiled for; wider nets use the layered kernels. */
  maxWidth: 64,
  /**
   * Fewer workgroups than this at `workgroup` (a training mini-batch of 128 makes one) and the dispatch runs with
   * `smallWorkgroup` invocations of 4 examples each instead, so a small m still spreads over the device's cores:
   * SwiftShader runs each workgroup on one thread, 4 lanes wide. Measured on the Adam epoch at m = 24 000,
   * batch 128 (bench/TRAINING.md): one workgroup of 64, 540–560 ms; workgroups of 4, 450–485 ms.
   */
  minWorkgroups: 8,
  smallWorkgroup: 4,
} as const;
