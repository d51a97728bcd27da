// The sweep's chart with Chart.js: one validation-loss curve per model, growing each epoch, the best one highlighted.
import { Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Title, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, Title);

const BEST_COLOUR = '#0f7a3a';
/** Faded hues for the other models, one per learning rate, so the legend still tells the rates apart. */
const FADED = [
  'rgba(224, 123, 0, 0.45)',
  'rgba(47, 110, 186, 0.45)',
  'rgba(150, 80, 170, 0.45)',
  'rgba(200, 60, 60, 0.45)',
  'rgba(90, 120, 110, 0.45)',
  'rgba(170, 140, 20, 0.45)',
];
/** Above this many models the legend would crowd the plot; the page names the best model in words instead. */
const LEGEND_MAX = 12;

/** One curve's identity. */
export interface SweepCurve {
  readonly label: string;
  /** Index of the model's learning rate in the grid, for its colour. */
  readonly lrIndex: number;
}

/** K validation-loss curves (MSE on the scaled popularity, log y) with the lowest best-so-far drawn thick and dark. */
export class SweepChart {
  private readonly chart: Chart<'line', { x: number; y: number }[]>;
  private curves: readonly SweepCurve[] = [];
  private bestSoFar: number[] = [];
  private bestModel = -1;

  constructor(canvas: HTMLCanvasElement) {
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        plugins: {
          title: { display: true, text: 'Validation loss per epoch, one line per model' },
          legend: { position: 'bottom', labels: { boxWidth: 14, font: { size: 11 } } },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'epoch' }, min: 0, ticks: { precision: 0 } },
          y: { type: 'logarithmic', title: { display: true, text: 'validation MSE (scaled popularity)' } },
        },
      },
    });
  }

  /** Starts over with one empty curve per model, for a run of at most `epochs` epochs. */
  reset(curves: readonly SweepCurve[], epochs: number): void {
    this.curves = curves;
    this.bestSoFar = curves.map(() => Infinity);
    this.bestModel = -1;
    this.chart.data.datasets = curves.map((c) => ({
      label: c.label,
      data: [],
      pointRadius: 0,
      borderWidth: 1.5,
      borderColor: FADED[c.lrIndex % FADED.length],
      backgroundColor: FADED[c.lrIndex % FADED.length],
    }));
    const options = this.chart.options as { scales: { x: { max?: number } }; plugins: { legend: { display?: boolean } } };
    options.scales.x.max = epochs;
    options.plugins.legend.display = curves.length <= LEGEND_MAX;
    this.chart.update();
  }

  /** Adds one epoch's validation loss for each model in `reports`, re-picks the best and redraws. */
  add(reports: readonly { readonly model: number; readonly epoch: number; readonly valLoss: number }[]): void {
    for (const r of reports) {
      const d = this.chart.data.datasets[r.model];
      if (d === undefined || !(Number.isFinite(r.valLoss) && r.valLoss > 0)) continue;
      d.data.push({ x: r.epoch, y: r.valLoss });
      this.bestSoFar[r.model] = Math.min(this.bestSoFar[r.model], r.valLoss);
    }
    let best = -1;
    this.bestSoFar.forEach((v, i) => {
      if (Number.isFinite(v) && (best < 0 || v < this.bestSoFar[best])) best = i;
    });
    this.bestModel = best;
    this.chart.data.datasets.forEach((d, i) => {
      const faded = FADED[this.curves[i].lrIndex % FADED.length];
      const isBest = i === best;
      Object.assign(d, {
        borderColor: isBest ? BEST_COLOUR : faded,
        backgroundColor: isBest ? BEST_COLOUR : faded,
        borderWidth: isBest ? 3.5 : 1.5,
        order: isBest ? 0 : 1,
      });
    });
    this.chart.update();
  }

  /** The highlighted model (lowest best validation loss so far), or -1 before any point. */
  get best(): number {
    return this.bestModel;
  }

  /** The highlighted model's lowest validation loss so far, or NaN before any point. */
  get bestLoss(): number {
    return this.bestModel < 0 ? NaN : this.bestSoFar[this.bestModel];
  }

  /** Datasets (one per model) and the points drawn over all of them. */
  get counts(): { datasets: number; points: number[] } {
    return { datasets: this.chart.data.datasets.length, points: this.chart.data.datasets.map((d) => d.data.length) };
  }

  /** The width each dataset is drawn with, for the tests: the best is the one thick line. */
  get widths(): number[] {
    return this.chart.data.datasets.map((d) => Number(d.borderWidth));
  }
}
