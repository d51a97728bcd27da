// Each forward kernel on its own against the CPU reference: relu, relu_mask, and matmul_bias in every tiling and
// epilogue the code can pick, on shapes that break tiles; plus the pipeline cache and the source substitution.
import { describe, expect, it } from 'vitest';
import { relu, reluMask } from '../../src/reference/activations.ts';
import { matmulBias } from '../../src/reference/matmul.ts';
import { BufferManager } from '../../src/gpu/buffers.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { dispatch1d } from '../../src/gpu/dispatch.ts';
import { applySubstitutions, cachedPipelineCount } from '../../src/gpu/pipelines.ts';
import { encodeMatmulBias, type Epilogue, MATMUL_TILINGS, matmulBiasPipeline, type MatmulTiling, tileM, tileN } from '../../src/gpu/kernels/matmul-bias.ts';
import { encodeRelu, encodeReluMask } from '../../src/gpu/kernels/relu.ts';
import { matrix } from '../../src/model/matrix.ts';
import { expectClose, f32Tolerance } from '../helpers/compare.ts';
import { testWithDevice } from '../helpers/gpu.ts';

/** Deterministic values in [lo, hi), rounded to float32 so CPU and GPU start from the same numbers. */
function values(count: number, seed: number, lo = -1, hi = 1): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(lo + ((hi - lo) * s) / 2 ** 32);
  });
}

async function readBack(ctx: GpuContext, buffers: BufferManager, encoder: GPUCommandEncoder, src: GPUBuffer, floats: number) {
  const staging = buffers.acquireStaging(floats * 4);
  encoder.copyBufferToBuffer(src, 0, staging, 0, floats * 4);
  ctx.device.queue.submit([encoder.finish()]);
  return buffers.readStaging(staging, floats);
}

async function runElementwise(ctx: GpuContext, kind: 'relu' | 'relu_mask', input: Float64Array): Promise<Float32Array> {
  const buffers = new BufferManager(ctx.device, `test ${kind}`);
  try {
    const inBuf = buffers.upload('input', Float32Array.from(input));
    const outBuf = buffers.storage('output', input.length * 4);
    const encoder = ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    (kind === 'relu' ? encodeRelu : encodeReluMask)(ctx, buffers, pass, inBuf, outBuf, input.length);
    pass.end();
    return await readBack(ctx, buffers, encoder, outBuf, input.length);
  } finally {
    buffers.dispose();
  }
}

describe('relu and relu_mask kernels', () => {
  testWithDevice("match the notebook's sample [[3, -4], [0, -0.5]]", async (ctx) => {
    const x = matrix(2, 2, Float64Array.from([3, -4, 0, -0.5]));
    expect(Array.from(await runElementwise(ctx, 'relu', x.data))).toEqual(Array.from(relu(x).data));
    expect(Array.from(await runElementwise(ctx, 'relu_mask', x.data))).toEqual(Array.from(reluMask(x).data));
  });

  testWithDevice('match the CPU on random values, zeros and -0.0, in a count that is not a multiple of the workgroup', async (ctx) => {
    const x = matrix(1, 1000 + 37, Float64Array.from([...values(1000, 7, -3, 3), ...new Array<number>(20).fill(0), ...new Array<number>(17).fill(-0)]));
    const gotRelu = await runElementwise(ctx, 'relu', x.data);
    expectClose(gotRelu, relu(x).data, { atol: 0, rtol: 0 }, 'relu');
    // numpy's maximum(-0.0, 0) is -0.0; the kernel keeps the sign too.
    expect(Object.is(gotRelu[x.data.length - 1], -0)).toBe(true);
    expectClose(await runElementwise(ctx, 'relu_mask', x.data), reluMask(x).data, { atol: 0, rtol: 0 }, 'relu_mask');
  });

  it('splits dispatches wider than the per-dimension limit into rows', () => {
    expect(dispatch1d(10, 65535)).toEqual([10, 1]);
    const [x, y] = dispatch1d(150_001, 65535);
    expect(y).toBe(3);
    expect(x * y).toBeGreaterThanOrEqual(150_001);
    expect(x).toBeLessThanOrEqual(65535);
  });

  testWithDevice('cover counts that need a second dispatch row', async (ctx) => {
    // 65535 workgroups of 64 cover 4 194 240 elements; a few more force dispatch y = 2.
    const count = 65535 * 64 + 1000;
    const input = new Float64Array(count);
    for (let i = 0; i < count; i++) input[i] = (i % 7) - 3;
    const got = await runElementwise(ctx, 'relu_mask', input);
    expectClose(got, reluMask(matrix(1, count, input)).data, { atol: 0, rtol: 0 }, 'relu_mask');
  });
});

async function runMatmul(ctx: GpuContext, n: number, k: number, m: number, tiling: MatmulTiling, epilogue: Epilogue, seed: number) {
  const W = matrix(n, k, values(n * k, seed));
  const A = matrix(k, m, values(k * m, seed + 1, -2, 2));
  const b = values(n, seed + 2);
  const buffers = new BufferManager(ctx.device, 'test matmul_bias');
  try {
    const Z = buffers.storage('Z', n * m * 4);
    const Aout = buffers.storage('A', n * m * 4);
    const encoder = ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    encodeMatmulBias(ctx, buffers, pass, {
      W: buffers.upload('W', Float32Array.from(W.data)),
      b: buffers.upload('b', Float32Array.from(b)),
      Aprev: buffers.upload('A_prev', Float32Array.from(A.data)),
      Z: epilogue === 'relu' ? undefined : Z,
      A: epilogue === 'z' ? undefined : Aout,
      n,
      k,
      m,
      tiling,
      epilogue,
    });
    pass.end();
    const staging = buffers.acquireStaging(2 * n * m * 4);
    encoder.copyBufferToBuffer(Z, 0, staging, 0, n * m * 4);
    encoder.copyBufferToBuffer(Aout, 0, staging, n * m * 4, n * m * 4);
    ctx.device.queue.submit([encoder.finish()]);
    const both = await buffers.readStaging(staging, 2 * n * m);
    const wantZ = matmulBias(W, A, b);
    return { Z: both.subarray(0, n * m), A: both.subarray(n * m), wantZ, wantA: relu(wantZ) };
  } finally {
    buffers.dispose();
  }
}

const EPILOGUES: Epilogue[] = ['z', 'z+relu', 'relu'];

describe.each(Object.values(MATMUL_TILINGS))('matmul_bias, $name tiling', (tiling) => {
  const tm = tileM(tiling);
  const tn = tileN(tiling);
  // Shapes at and around every tile edge: m and n at 1, tile-1, tile, tile+1; k below, at and above TILE_K.
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [tn - 1 || 1, tiling.tileK - 1, tm - 1],
    [tn, tiling.tileK, tm],
    [tn + 1, tiling.tileK + 1, tm + 1],
    [17, 33, 101],
    [64, 13, 997],
  ];
  for (const epilogue of EPILOGUES) {
    testWithDevice(`epilogue '${epilogue}' matches the CPU on (n, k, m) in ${JSON.stringify(shapes)}`, async (ctx) => {
      for (const [i, [n, k, m]] of shapes.entries()) {
        const r = await runMatmul(ctx, n, k, m, tiling, epilogue, 100 * i + 1);
        const tol = f32Tolerance(k);
        if (epilogue !== 'relu') expectClose(r.Z, r.wantZ.data, tol, `Z (${n}x${k}·${k}x${m})`);
        if (epilogue !== 'z') expectClose(r.A, r.wantA.data, tol, `A (${n}x${k}·${k}x${m})`);
        // The output the epilogue skips stays untouched (zero).
        const skipped = epilogue === 'z' ? r.A : epilogue === 'relu' ? r.Z : undefined;
        if (skipped) expect(skipped.every((v) => v === 0)).toBe(true);
      }
    });
  }
});

describe('pipeline cache and source substitution', () => {
  testWithDevice('compiles each variant once per device', async (ctx) => {
    // A tiling no other test uses, so its first request must compile and the second must hit the cache.
    const probe: MatmulTiling = { name: 'probe', wgM: 8, wgN: 2, tileK: 5, tiled: true };
    const before = cachedPipelineCount(ctx.device);
    const first = matmulBiasPipeline(ctx, probe, 'z+relu');
    expect(cachedPipelineCount(ctx.device)).toBe(before + 1);
    expect(matmulBiasPipeline(ctx, probe, 'z+relu')).toBe(first);
    expect(matmulBiasPipeline(ctx, { ...probe, name: 'same code, other name' }, 'z+relu')).toBe(first);
    expect(cachedPipelineCount(ctx.device)).toBe(before + 1);
    expect(matmulBiasPipeline(ctx, probe, 'relu')).not.toBe(first);
    expect(cachedPipelineCount(ctx.device)).toBe(before + 2);
    // The odd probe tiling is also correct: the overrides size the workgroup tiles consistently.
    const r = await runMatmul(ctx, 7, 11, 37, probe, 'z+relu', 5);
    expectClose(r.Z, r.wantZ.data, f32Tolerance(11), 'Z (probe tiling)');
    expectClose(r.A, r.wantA.data, f32Tolerance(11), 'A (probe tiling)');
  });

  it('rewrites only the named const and refuses a name the shader lacks', () => {
    const src = 'const ROWS: u32 = 4u;\nconst COLS: u32 = 4u;';
    expect(applySubstitutions(src, { ROWS: 2 })).toBe('const ROWS: u32 = 2u;\nconst COLS: u32 = 4u;');
    expect(() => applySubstitutions(src, { DEPTH: 2 })).toThrow(/no 'const DEPTH/);
  });
});
