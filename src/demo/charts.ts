// The training charts with Chart.js: a live train/validation/test loss curve and a predicted-vs-actual scatter on the test set.
import { Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Title, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, ScatterController, Legend, Tooltip, Title);

const TRAIN_COLOUR = '#1a9e4b';
const TEST_COLOUR = '#e07b00';
const VAL_COLOUR = '#3867d6';

/** A loss-per-epoch chart that grows as epochs arrive; the y axis is logarithmic because MSE falls over decades. */
export class LossChart {
  private readonly chart: Chart<'line', { x: number; y: number }[]>;

  constructor(canvas: HTMLCanvasElement) {
    this.chart = new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          { label: 'train MSE', data: [], borderColor: TRAIN_COLOUR, backgroundColor: TRAIN_COLOUR, pointRadius: 0, borderWidth: 2 },
          // The validation curve is the one early stopping and the kept epoch follow; the test curve is only reported.
          { label: 'validation MSE (chooses the epoch)', data: [], borderColor: VAL_COLOUR, backgroundColor: VAL_COLOUR, pointRadius: 0, borderWidth: 3 },
          {
            label: 'test MSE (reported only)',
            data: [],
            borderColor: TEST_COLOUR,
            backgroundColor: TEST_COLOUR,
            pointRadius: 0,
            borderWidth: 1.5,
            borderDash: [5, 3],
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        plugins: { title: { display: true, text: 'Loss per epoch (MSE on the scaled popularity)' }, legend: { position: 'bottom' } },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'epoch' }, min: 0 },
          y: { type: 'logarithmic', title: { display: true, text: 'MSE' } },
        },
      },
    });
  }

  /** Empties the curve for a new run of `epochs` epochs. */
  reset(epochs: number): void {
    for (const d of this.chart.data.datasets) d.data = [];
    (this.chart.options.scales as { x: { max?: number } }).x.max = epochs;
    this.chart.update();
  }

  /** Adds one epoch's losses (NaN where a split is empty: no point) and redraws. */
  add(epoch: number, trainLoss: number, valLoss: number, testLoss: number): void {
    [trainLoss, valLoss, testLoss].forEach((y, i) => {
      if (Number.isFinite(y)) this.chart.data.datasets[i].data.push({ x: epoch, y });
    });
    this.chart.update();
  }

  /** Points drawn so far, over all curves. */
  get points(): number {
    return this.chart.data.datasets.reduce((n, d) => n + d.data.length, 0);
  }
}

/** Predicted against actual popularity, with the line y = x where a perfect model would put every song. */
export class ScatterChart {
  private readonly chart: Chart<'scatter', { x: number; y: number }[]>;

  constructor(canvas: HTMLCanvasElement) {
    this.chart = new Chart(canvas, {
      type: 'scatter',
      data: {
        datasets: [
          { label: 'test songs', data: [], backgroundColor: 'rgba(26, 158, 75, 0.35)', pointRadius: 2 },
          { label: 'perfect prediction', data: [], type: 'line' as 'scatter', borderColor: '#6b7570', borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        plugins: { title: { display: true, text: 'Predicted vs actual popularity (test set)' }, legend: { position: 'bottom' } },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'actual popularity' } },
          y: { type: 'linear', title: { display: true, text: 'predicted popularity' } },
        },
      },
    });
  }

  /** Shows one point per test song; at most `limit` are drawn so a 6,000-song test set stays quick. */
  show(predicted: ArrayLike<number>, actual: ArrayLike<number>, limit = 3000): void {
    const n = Math.min(predicted.length, limit);
    const points = [];
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      points.push({ x: actual[i], y: predicted[i] });
      lo = Math.min(lo, actual[i], predicted[i]);
      hi = Math.max(hi, actual[i], predicted[i]);
    }
    this.chart.data.datasets[0].data = points;
    this.chart.data.datasets[1].data =
      n > 0
        ? [
            { x: lo, y: lo },
            { x: hi, y: hi },
          ]
        : [];
    this.chart.update();
  }
}
