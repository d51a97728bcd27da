// The explain panel's charts with Chart.js: permutation importance as horizontal bars with a ±std whisker, most
// important first, and the partial-dependence line of one feature.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Title, Tooltip } from 'chart.js';
import type { Explanation } from '../explain/explain.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Title, Tooltip);

const BAR = '#3867d6';
const WHISKER = '#1b2a4a';

/** Draws `e`'s importances on `canvas` (replacing an earlier chart there); returns the chart. */
export function importanceChart(canvas: HTMLCanvasElement, e: Explanation): Chart<'bar', (number | [number, number])[]> {
  Chart.getChart(canvas)?.destroy();
  const sorted = [...e.importances].sort((a, b) => b.mean - a.mean);
  return new Chart<'bar', (number | [number, number])[]>(canvas, {
    type: 'bar',
    data: {
      labels: sorted.map((f) => f.feature),
      datasets: [
        { label: 'RMSE growth (points)', data: sorted.map((f) => f.mean), backgroundColor: BAR, barPercentage: 0.8, grouped: false },
        // The spread over the R shuffles: a thin floating bar from mean − std to mean + std.
        {
          label: '± std over the shuffles',
          data: sorted.map((f) => [f.mean - f.std, f.mean + f.std]),
          backgroundColor: WHISKER,
          barPercentage: 0.15,
          grouped: false,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      maintainAspectRatio: false,
      plugins: {
        title: { display: true, text: `Permutation importance: RMSE growth when a feature is shuffled (${e.repeats} shuffles, ${e.rows} rows)` },
      },
      scales: {
        x: { title: { display: true, text: `popularity points (RMSE ${e.baselineRmse.toFixed(2)} unshuffled)` } },
        y: { ticks: { autoSkip: false } },
      },
    },
  });
}

/** Draws `e`'s partial-dependence curve on `canvas`; returns the chart. */
export function pdpChart(canvas: HTMLCanvasElement, e: Explanation): Chart {
  Chart.getChart(canvas)?.destroy();
  return new Chart(canvas, {
    type: 'line',
    data: {
      datasets: [
        { label: 'mean prediction', data: e.pdp.grid.map((x, i) => ({ x, y: e.pdp.mean[i] })), borderColor: BAR, backgroundColor: BAR, pointRadius: 2 },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      plugins: { title: { display: true, text: `Partial dependence: the mean predicted popularity as ${e.pdp.feature} sweeps its range` } },
      scales: {
        // Plain numbers: a year reads 1980, not 1,980.
        x: { type: 'linear', title: { display: true, text: e.pdp.feature }, ticks: { callback: (v) => String(Number(Number(v).toPrecision(6))) } },
        y: { title: { display: true, text: 'popularity (points)' } },
      },
    },
  });
}
