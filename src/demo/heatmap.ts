// Draws one layer's activations (units × a window of examples) as a heatmap, and counts its dead ReLUs.
import type { Matrix } from '../model/matrix.ts';
import { el } from './dom.ts';

// A perceptually ordered ramp (viridis, 6 stops) so zero is dark and large activations are bright.
const RAMP: readonly (readonly [number, number, number])[] = [
  [13, 19, 16],
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

function colour(t: number): readonly [number, number, number] {
  if (!(t > 0)) return RAMP[0];
  const x = Math.min(1, t) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Units of `A` that are zero for every example: ReLUs that pass no signal and get no gradient. */
export function deadUnits(A: Matrix): number {
  let dead = 0;
  for (let r = 0; r < A.rows; r++) {
    const row = A.data.subarray(r * A.cols, (r + 1) * A.cols);
    if (row.every((v) => v === 0)) dead++;
  }
  return dead;
}

/**
 * A figure with the first `window` examples of A (rows: units) coloured by value over the 99th percentile of
 * the window, so one outlier does not wash the picture out, and a caption with the dead-unit fraction.
 */
export function heatmapFigure(name: string, A: Matrix, dead: number, window: number): HTMLElement {
  const w = Math.min(window, A.cols);
  const canvas = el('canvas', {
    width: String(Math.max(1, w)),
    height: String(A.rows),
    role: 'img',
    'aria-label': `${name}: ${A.rows} units by the first ${w} examples; ${dead} of ${A.rows} units dead`,
  });
  const values: number[] = [];
  for (let r = 0; r < A.rows; r++) for (let c = 0; c < w; c++) values.push(A.data[r * A.cols + c]);
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
  const top = sorted.length === 0 ? 1 : sorted[Math.floor(0.99 * (sorted.length - 1))] || 1;
  const ctx = canvas.getContext('2d');
  if (ctx !== null && w > 0) {
    const image = ctx.createImageData(w, A.rows);
    for (let i = 0; i < values.length; i++) {
      const [r, g, b] = colour(values[i] / top);
      image.data.set([r, g, b, 255], i * 4);
    }
    ctx.putImageData(image, 0, 0);
  }
  const pct = A.rows === 0 ? 0 : (100 * dead) / A.rows;
  return el(
    'figure',
    { class: 'heatmap', 'data-testid': `heatmap-${name}` },
    canvas,
    el('figcaption', {}, el('strong', {}, name), ` (${A.rows} × m) · dead ReLUs: ${dead}/${A.rows} (${pct.toFixed(1)}%)`),
  );
}
