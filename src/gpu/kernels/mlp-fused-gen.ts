// Generates the whole-MLP kernel for one set of dims, with each layer's loop over its INPUTS unrolled, so every
// activation read has a compile-time index (SwiftShader turns dynamic private-array indices into gathers).
// Its dispatch is mlp-fused.ts's; CPU twin: feedForward in src/reference/forward.ts.
import { F32S, kernelInterface, VEC4S } from '../kernel-interface.ts';
import { cacheRowOffsets, packedBlocks, pad4 } from '../packing.ts';
import { FusedSizes, wgslDeclaration } from '../structs.ts';

/** The generated kernel's bindings: the shape is baked in; X, out and cache may be vec4s. */
export const MLP_FUSED_GENERATED = kernelInterface('mlp_fused_generated', [
  ['sizes', 'uniform', 'FusedSizes'],
  ['P', 'read', VEC4S],
  ['X', 'read', F32S],
  ['out', 'read_write', F32S],
  ['cache', 'read_write', F32S],
]);

/** Widest layer, in units, the generated kernel takes; wider layers would make the unrolled body too big. */
export const GEN_MAX_WIDTH = 64;

/** Most multiply-adds (vec4) in the unrolled bodies; beyond it the shader grows slow to compile (KERNELS.md #7). */
export const GEN_MAX_UNROLLED = 4 * (16 * 64 + 64 * 32 + 32 * 16 + 16 * 4);

const u = (x: number) => `${x}u`;

/** Whether {@link generateFusedKernel} takes these dims: every width ≤ 64 and a moderate unrolled size. */
export function generatedSupports(dims: readonly number[]): boolean {
  let unrolled = 0;
  for (let l = 1; l < dims.length; l++) unrolled += 4 * pad4(dims[l]) * dims[l - 1];
  return Math.max(...dims) <= GEN_MAX_WIDTH && unrolled <= GEN_MAX_UNROLLED;
}

// Declarations and helpers. With `aligned` (m a multiple of 4) every 4 columns of a row start on a 16-byte
// boundary, so X, out and the cache are read and written as vec4s: one access per lane instead of four.
const header = (cache: boolean, aligned: boolean) => {
  const t = aligned ? 'vec4<f32>' : 'f32';
  const lines = [
    wgslDeclaration(FusedSizes),
    // The cache binding is declared always; without a cache nothing reads it, so the pipeline leaves it out.
    MLP_FUSED_GENERATED.wgsl({ X: `array<${t}>`, out: `array<${t}>`, cache: `array<${t}>` }),
    'override WG: u32 = 64u;',
    '',
    "// numpy's maximum(z, 0): select keeps -0.0 as numpy does.",
    'fn relu4(z: vec4<f32>) -> vec4<f32> { return select(vec4<f32>(0.0), z, z >= vec4<f32>(0.0)); }',
    '',
    '// Four adjacent columns of X from index i; past column m (count < 4) the lanes are 0.',
    aligned ? LOAD_ALIGNED : LOAD_RAGGED,
    STORE(aligned, 'out'),
    cache ? STORE(aligned, 'cache') : '',
  ];
  return lines.join('\n');
};

// Aligned, count is 4, or 0 for a column block past m whose values are never stored.
const LOAD_ALIGNED = `fn loadX(i: u32, count: u32) -> vec4<f32> { return X[i / 4u]; }`;

const LOAD_RAGGED = `fn loadX(i: u32, count: u32) -> vec4<f32> {
  if (count >= 4u) { return vec4<f32>(X[i], X[i + 1u], X[i + 2u], X[i + 3u]); }
  var v = vec4<f32>(0.0);
  if (count > 0u) { v.x = X[i]; }
  if (count > 1u) { v.y = X[i + 1u]; }
  if (count > 2u) { v.z = X[i + 2u]; }
  return v;
}`;

// Stores 4 columns at element index i (fewer at the ragged end) to out or the cache.
const STORE = (aligned: boolean, target: string) =>
  aligned
    ? `fn store_${target}(i: u32, count: u32, v: vec4<f32>) { ${target}[i / 4u] = v; }`
    : `fn store_${target}(i: u32, count: u32, v: vec4<f32>) {
  ${target}[i] = v.x;
  if (count > 1u) { ${target}[i + 1u] = v.y; }
  if (count > 2u) { ${target}[i + 2u] = v.z; }
  if (count > 3u) { ${target}[i + 3u] = v.w; }
}`;

/** Shapes of the generated kernel. */
export interface GenOptions {
  /** Write the packed cache [Z1, A1, …] too. */
  readonly cache: boolean;
  /** vec4s of examples per invocation. */
  readonly cols: number;
  /** m is a multiple of 4: vec4 access to X, out and the cache. */
  readonly aligned: boolean;
}

/**
 * WGSL for the forward pass of this exact network, reading the parameters in packFusedParams's layout and writing
 * the same outputs as mlp_fused.wgsl (A_L, and with `cache` the packed [Z1, A1, …, ZL, AL]). Per layer, the loop
 * over groups of 4 output units stays a loop; the inputs inside it are unrolled. Each invocation carries
 * 4·cols examples, so one weight load feeds 4·cols vec4 multiply-adds.
 */
export function generateFusedKernel(dims: readonly number[], opts: GenOptions): string {
  const key = `${dims.join(',')}|${opts.cache}|${opts.cols}|${opts.aligned}`;
  let code = generated.get(key);
  if (code === undefined) {
    code = generate(dims, opts);
    generated.set(key, code);
  }
  return code;
}

// Generated sources by dims and options: encodeFusedForward asks on every call, and the text is long.
const generated = new Map<string, string>();

function generate(dims: readonly number[], { cache, cols, aligned }: GenOptions): string {
  if (!generatedSupports(dims)) throw new Error(`The generated fused kernel does not take dims [${dims.join(', ')}].`);
  const L = dims.length - 1;
  const blocks = packedBlocks(dims).offsets;
  const zRows = cacheRowOffsets(dims).offsets;
  const C = Array.from({ length: cols }, (_, c) => c);
  const lines: string[] = [header(cache, aligned)];
  lines.push('@compute @workgroup_size(WG)', 'fn main(@builtin(global_invocation_id) gid: vec3<u32>) {');
  lines.push('  let m = sizes.m;', `  let col = gid.x * ${u(4 * cols)};`, '  if (col >= m) { return; }');
  // K models in one dispatch: model gid.y has its own parameters, output rows and cache; X is shared.
  lines.push('  let pm = gid.y * sizes.paramStride4;', '  let cm = gid.y * sizes.cacheStrideF;', `  let om = gid.y * ${u(dims[L])} * m;`);
  // Column block c starts at col + 4c and holds count_c (0 to 4) real examples.
  for (const c of C) lines.push(`  let col${c} = col + ${u(4 * c)};`, `  let count${c} = min(4u, max(m, col${c}) - col${c});`);
  // Layer 0's activations are named values: loaded once, read with no index at all.
  for (let p = 0; p < dims[0]; p++) for (const c of C) lines.push(`  let x${p}_${c} = loadX(${u(p)} * m + col${c}, count${c});`);
  const names = ['a', 'b', 'c', 'd'];
  for (let l = 1; l <= L; l++) {
    const k = dims[l - 1];
    const n = dims[l];
    const groups = Math.ceil(n / 4);
    const input = (p: number, c: number) => (l === 1 ? `x${p}_${c}` : `h${l - 1}_${c}[${p}]`);
    const last = l === L;
    if (!last) for (const c of C) lines.push(`  var h${l}_${c}: array<vec4<f32>, ${4 * groups}>;`);
    lines.push(`  for (var g = 0u; g < ${u(groups)}; g++) {`);
    lines.push(`    let blk = pm + ${u(blocks[l - 1])} + g * ${u(pad4(k) + 1)};`);
    for (let i = 0; i < 4; i++) for (const c of C) lines.push(`    var z${i}_${c} = vec4<f32>(0.0);`);
    for (let p = 0; p < k; p++) {
      const fma = C.map((c) => `let a${c} = ${input(p, c)}; ${[0, 1, 2, 3].map((i) => `z${i}_${c} += w.${'xyzw'[i]} * a${c};`).join(' ')}`);
      lines.push(`    { let w = P[blk + ${u(p)}]; ${fma.join(' ')} }`);
    }
    lines.push(`    let bias = P[blk + ${u(pad4(k))}];`);
    for (let i = 0; i < 4; i++) {
      const v = names[i];
      for (const c of C) lines.push(`    let z${v}_${c} = z${i}_${c} + bias.${'xyzw'[i]};`, `    let a${v}_${c} = relu4(z${v}_${c});`);
    }
    if (!last) for (let i = 0; i < 4; i++) for (const c of C) lines.push(`    h${l}_${c}[g * 4u + ${u(i)}] = a${names[i]}_${c};`);
    // Units past n exist only as padding (zero weights), and columns past m not at all: neither is stored.
    for (let i = 0; i < 4; i++) {
      const row = `(g * 4u + ${u(i)})`;
      for (const c of C) {
        const conds = [...(n % 4 === 0 || i === 0 ? [] : [`${row} < ${u(n)}`]), ...(c === 0 ? [] : [`count${c} > 0u`])];
        const guard = conds.length ? `if (${conds.join(' && ')}) ` : '';
        const v = `${names[i]}_${c}`;
        if (cache) {
          lines.push(`    ${guard}{ store_cache(cm + (${u(zRows[l - 1])} + ${row}) * m + col${c}, count${c}, z${v}); }`);
          lines.push(`    ${guard}{ store_cache(cm + (${u(zRows[l - 1] + n)} + ${row}) * m + col${c}, count${c}, a${v}); }`);
        }
        if (last) lines.push(`    ${guard}{ store_out(om + ${row} * m + col${c}, count${c}, a${v}); }`);
      }
    }
    lines.push('  }');
  }
  lines.push('}');
  return lines.join('\n');
}
