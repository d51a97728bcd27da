// The model's preprocessing as ONNX nodes on raw rows X (N, 13): the min-max scaler, then each encoder part.
// The encoder's numbers were fitted on scaled features; here they are carried back to raw units in float64
// first, so a raw value that equals a training value (a tied year, a zero) meets its quantile exactly in
// float32, and the quantile encoding's ties resolve as scikit-learn's do.
import type { FittedPart, Encoder } from '../model/encoding.ts';
import { scaleOf, type ScalerParams, unscaleFeature } from '../model/scaler.ts';
import type { GraphBuilder } from './graph.ts';
import { quantileGraph } from './quantile-graph.ts';

/** The network's input (N, width): the scaled X, or the encoder's parts side by side. */
export function preprocessGraph(g: GraphBuilder, X: string, scaler: ScalerParams, encoder: Encoder | undefined): string {
  const n = scaler.features.length;
  const scale = scaler.xMin.map((min, f) => scaleOf(min, scaler.xMax[f]));
  // (x − min)·scale: the subtraction is exact for values near min, where x·scale + offset would cancel in float32.
  if (encoder === undefined) return g.op('Mul', [g.op('Sub', [X, g.floats('x_min', [n], scaler.xMin)], 'x_sub'), g.floats('x_scale', [n], scale)], 'scaled');
  const blocks = encoder.parts.map((part, i) => partGraph(g, X, part, scaler, `p${i}_${part.kind}`));
  return blocks.length === 1 ? blocks[0] : g.op('Concat', blocks, 'encoded', { axis: 1 });
}

function partGraph(g: GraphBuilder, X: string, part: FittedPart, scaler: ScalerParams, name: string): string {
  switch (part.kind) {
    case 'minmax':
    case 'standard': {
      // ((x·scale + offset) − shift) / s  =  (x − c)·k, with c the raw value at shift, in float64 before rounding.
      const cols = part.columns;
      const G = g.op('Gather', [X, g.ints(`${name}_cols`, [cols.length], cols)], `${name}_x`, { axis: 1 });
      const c = cols.map((f, i) => unscaleFeature(scaler, f, part.shift[i]));
      const k = cols.map((f, i) => scaleOf(scaler.xMin[f], scaler.xMax[f]) / part.scale[i]);
      return g.op('Mul', [g.op('Sub', [G, g.floats(`${name}_c`, [cols.length], c)], `${name}_sub`), g.floats(`${name}_k`, [cols.length], k)], name);
    }
    case 'ple': {
      // One output per bin [lo, hi): clip((x − lo)/(hi − lo), 0, 1), with lo and hi in raw units.
      const src: number[] = [];
      const lo: number[] = [];
      const width: number[] = [];
      part.columns.forEach((f, i) => {
        const e = part.edges[i].map((v) => unscaleFeature(scaler, f, v));
        for (let t = 1; t < e.length; t++) {
          src.push(f);
          lo.push(e[t - 1]);
          width.push(e[t] - e[t - 1]);
        }
      });
      const G = g.op('Gather', [X, g.ints(`${name}_cols`, [src.length], src)], `${name}_x`, { axis: 1 });
      const frac = g.op(
        'Div',
        [g.op('Sub', [G, g.floats(`${name}_lo`, [src.length], lo)], `${name}_d`), g.floats(`${name}_w`, [src.length], width)],
        `${name}_f`,
      );
      return g.op('Clip', [frac, g.floats(`${name}_0`, [], [0]), g.floats(`${name}_1`, [], [1])], name);
    }
    case 'quantile':
      return quantileGraph(g, X, part, scaler, name);
  }
}
