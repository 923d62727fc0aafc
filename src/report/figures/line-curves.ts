// Training curves: loss or metric values over steps for several series, with optional EMA smoothing
// (raw values drawn faint behind the smoothed line, as TensorBoard does).
import { OptionError } from '../../util/errors.js';
import { checkNames, orderedColorScale, renderChart, seriesRows, thinEvenly } from '../chart-base.js';
import type { ChartOptions, FigureKind } from '../types.js';

/** One named curve; points with a non-finite x or y are skipped. */
export interface CurveSeries {
  name: string;
  /** Steps (or epochs). */
  x: ArrayLike<number>;
  /** Values at those steps. */
  y: ArrayLike<number>;
}

export interface LineCurvesData {
  series: CurveSeries[];
}

export interface LineCurvesOptions extends ChartOptions {
  /** @default 'Step' */
  xTitle?: string;
  /** @default 'Value' */
  yTitle?: string;
  /** Logarithmic y axis (values ≤ 0 are dropped). @default false */
  logY?: boolean;
  /** EMA weight in [0, 1): s_t = w·s_{t−1} + (1 − w)·y_t, debiased. 0 draws the raw curve only. @default 0 */
  smoothing?: number;
  /** Longest series drawn; longer ones are thinned evenly (first and last points kept). @default 2000 */
  maxPoints?: number;
  /** Legend title. @default none */
  legendTitle?: string;
}

/** Debiased exponential moving average (Kingma & Ba 2015, bias correction as in Adam). */
export function ema(values: readonly number[], weight: number): number[] {
  let s = 0;
  return values.map((v, t) => {
    s = weight * s + (1 - weight) * v;
    return s / (1 - weight ** (t + 1));
  });
}

export const lineCurves: FigureKind<LineCurvesData, LineCurvesOptions> = {
  name: 'line-curves',
  description: 'Loss or metric curves over training steps, several series, optional EMA smoothing.',
  exampleText: ['Step', 'Loss', 'train', 'validation'],
  example: () => ({
    options: { yTitle: 'Loss' },
    data: { series: [
      { name: 'train', x: [0, 100, 200, 300, 400, 500], y: [2.3, 1.1, 0.7, 0.52, 0.41, 0.35] },
      { name: 'validation', x: [0, 100, 200, 300, 400, 500], y: [2.3, 1.2, 0.85, 0.74, 0.7, 0.71] },
    ] },
  }),
  async render(data, options = {}) {
    const names = data.series.map((s) => s.name);
    checkNames(names, 'series');
    const smoothing = options.smoothing ?? 0;
    if (!(smoothing >= 0 && smoothing < 1)) throw new OptionError('smoothing', `must be in [0, 1), got ${smoothing}`);
    const maxPoints = Math.max(2, options.maxPoints ?? 2000);
    const logY = options.logY ?? false;
    const raw = [];
    const smooth = [];
    for (const s of data.series) {
      let rows = seriesRows(s.name, s.x, s.y, 'series').filter((r) => !logY || r.y > 0);
      if (smoothing > 0) {
        const ys = ema(rows.map((r) => r.y), smoothing);
        smooth.push(...thinEvenly(rows.map((r, k) => ({ ...r, y: ys[k] })), maxPoints));
      }
      rows = thinEvenly(rows, maxPoints);
      raw.push(...rows);
    }
    const color = { field: 'name', type: 'nominal', scale: orderedColorScale(names), legend: { title: options.legendTitle ?? null } };
    const x = { field: 'x', type: 'quantitative', title: options.xTitle ?? 'Step', scale: { nice: false, zero: false } };
    const y = { field: 'y', type: 'quantitative', title: options.yTitle ?? 'Value', scale: logY ? { type: 'log' } : { zero: false } };
    const order = { field: 'i', type: 'quantitative' };
    const layers = [{ data: { values: raw }, mark: { type: 'line', opacity: smoothing > 0 ? 0.25 : 1 }, encoding: { x, y, color, order } }];
    if (smoothing > 0) layers.push({ data: { values: smooth }, mark: { type: 'line', opacity: 1 }, encoding: { x, y, color, order } });
    return renderChart(options, { layer: layers });
  },
};
