// Every tile and workgroup size the GPU kernels use, in one place; kernels.ts passes them to WGSL as overrides.

/** The shape of the tiled matmul_bias kernel: which block of Z one workgroup and one invocation compute. */
export interface MatmulTiling {
  /** A short name for labels, logs and tests. */
  readonly name: string;
  /** Invocations per workgroup along m (the examples). Each owns 4 adjacent columns. */
  readonly wgM: number;
  /** Invocations per workgroup along n (the output units). */
  readonly wgN: number;
  /** Output rows per invocation (the kernel's one source substitution, see kernels.ts). */
  readonly rows: number;
  /** Depth of one step along k staged in workgroup memory. */
  readonly tileK: number;
}

/** Columns (examples) per invocation in matmul_bias: one vec4. Fixed by the kernel's types, not tunable. */
export const MATMUL_COLS = 4;

/**
 * The tilings the scheduler can pick. `wide` suits layers with many output units, `narrow` the thin last layers
 * (e.g. 16 → 1) where most rows of a wide tile would be padding. Tests run every entry.
 */
export const MATMUL_TILINGS = {
  wide: { name: 'wide', wgM: 16, wgN: 4, rows: 4, tileK: 16 },
  narrow: { name: 'narrow', wgM: 64, wgN: 1, rows: 1, tileK: 16 },
} as const satisfies Record<string, MatmulTiling>;

/** Names of the tilings in {@link MATMUL_TILINGS}. */
export type MatmulTilingName = keyof typeof MATMUL_TILINGS;

/** Columns of Z one workgroup covers: dispatch x is ceil(m / this). */
export function tileM(t: MatmulTiling): number {
  return t.wgM * MATMUL_COLS;
}

/** Rows of Z one workgroup covers: dispatch y is ceil(n / this). */
export function tileN(t: MatmulTiling): number {
  return t.wgN * t.rows;
}

/** The tiling for a layer with `n` output units: thin layers waste less of the narrow one. */
export function pickMatmulTiling(n: number): MatmulTiling {
  return n <= 4 ? MATMUL_TILINGS.narrow : MATMUL_TILINGS.wide;
}

/** Invocations per workgroup of the element-wise kernels (relu, relu_mask). */
export const ELEMENTWISE_WORKGROUP = 64;

/** Largest workgroup count per dispatch dimension that WebGPU guarantees (maxComputeWorkgroupsPerDimension). */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

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
} as const;
