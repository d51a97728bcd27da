// What a feature encoding learned, for one feature: the training rows' histogram in the feature's own units, with
// the piecewise-linear bin edges over it (the quantile transform's edges are its quantiles, so the same picture).
// The data panel shows it for the current model's encoder, or for the sweep's default (qple) fitted on the loaded
// training rows when the current model has none.
import { BarController, BarElement, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip } from 'chart.js';
import type { Encoder } from '../model/encoding.ts';
import type { Matrix } from '../model/matrix.ts';
import type { ScalerParams } from '../model/scaler.ts';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, LinearScale, Legend, Title, Tooltip);

const HISTOGRAM_BINS = 40;
const EDGE_COLOUR = '#d63a3a';

/** The learned cut points of `feature` (an index into the 13), in the scaled units the encoder reads; [] if none. */
export function learnedEdges(encoder: Encoder, feature: number): { kind: string; edges: number[] } {
  // A ple part's bin edges first (the cuts the network sees), else a quantile part's every 50th quantile.
  for (const part of encoder.parts) {
    const i = part.columns.indexOf(feature);
    if (i >= 0 && part.kind === 'ple') return { kind: `ple, ${part.edges[i].length - 1} bins`, edges: part.edges[i] };
  }
  for (const part of encoder.parts) {
    const i = part.columns.indexOf(feature);
    if (i >= 0 && part.kind === 'quantile') return { kind: 'quantile, every 50th of its quantiles', edges: part.quantiles[i].filter((_, q) => q % 50 === 0) };
  }
  return { kind: 'min-max scaled, no cut points', edges: [] };
}

/** A histogram of one feature with the encoder's edges drawn over it as vertical lines. */
export class EncoderChart {
  private readonly chart: Chart<'bar' | 'line', { x: number; y: number | null }[]>;

  constructor(canvas: HTMLCanvasElement) {
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: { datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        plugins: { legend: { position: 'bottom' }, title: { display: true, text: '' } },
        scales: { x: { type: 'linear', title: { display: true, text: '' } }, y: { title: { display: true, text: 'training rows' }, beginAtZero: true } },
      },
    });
  }

  /** Draws feature `feature` of the scaled training rows `X` (13, m), unscaled with `scaler`, and `encoder`'s edges. */
  show(X: Matrix, scaler: ScalerParams, encoder: Encoder, feature: number, source: string): { bins: number; edges: number } {
    const [lo, hi] = [scaler.xMin[feature], scaler.xMax[feature]];
    const raw = (v: number) => lo + v * (hi - lo);
    const m = X.cols;
    const width = (hi - lo) / HISTOGRAM_BINS || 1;
    const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
    for (let j = 0; j < m; j++) counts[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((raw(X.data[feature * m + j]) - lo) / width)))]++;
    const top = Math.max(...counts, 1);
    const { kind, edges } = learnedEdges(encoder, feature);
    // Each edge is a vertical segment; a null point between two segments breaks the line.
    const lines = edges.flatMap((e) => [
      { x: raw(e), y: 0 },
      { x: raw(e), y: top },
      { x: raw(e), y: null },
    ]);
    this.chart.data.datasets = [
      {
        type: 'bar',
        label: 'training rows',
        data: counts.map((y, i) => ({ x: lo + (i + 0.5) * width, y })),
        backgroundColor: '#9db4e8',
        barPercentage: 1,
        categoryPercentage: 1,
      },
      { type: 'line', label: `learned edges (${kind})`, data: lines, borderColor: EDGE_COLOUR, borderWidth: 1.5, pointRadius: 0, spanGaps: false },
    ];
    const name = scaler.features[feature];
    const options = this.chart.options as { plugins: { title: { text: string } }; scales: { x: { title: { text: string } } } };
    options.plugins.title.text = `${name}: the training rows and the encoder's learned edges (${source})`;
    options.scales.x.title.text = name;
    this.chart.update();
    return { bins: HISTOGRAM_BINS, edges: edges.length };
  }
}
