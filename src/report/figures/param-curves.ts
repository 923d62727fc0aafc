// Metric against a parameter (e.g. AUC vs number of weak learners), several series, optional error bands.
import { OptionError } from '../../util/errors.js';
import { checkNames, orderedColorScale, renderChart, seriesRows } from '../chart-base.js';
import type { ChartOptions, FigureKind } from '../types.js';

/** One series; `lower`/`upper` (same length as x) draw a shaded band, e.g. mean ± s.d. over folds. */
export interface ParamSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

export interface ParamCurvesData {
  series: ParamSeries[];
}

export interface ParamCurvesOptions extends ChartOptions {
  /** @default 'Parameter' */
  xTitle?: string;
  /** @default 'Metric' */
  yTitle?: string;
  /** Logarithmic x axis. @default false */
  logX?: boolean;
  /** Mark each measured point. @default true */
  points?: boolean;
  /** Opacity of the error bands. @default 0.2 */
  bandOpacity?: number;
  /** Fixed y range, e.g. [0.5, 1] for AUC. @default fitted to the data */
  yDomain?: [number, number];
  /** Legend title. @default none */
  legendTitle?: string;
}

export const paramCurves: FigureKind<ParamCurvesData, ParamCurvesOptions> = {
  name: 'param-curves',
  description: 'A metric against a parameter, several series, optional error bands.',
  exampleText: ['Number of weak learners', 'AUC', 'AdaBoost', 'Random forest'],
  example: () => ({
    options: { xTitle: 'Number of weak learners', yTitle: 'AUC', logX: true },
    data: { series: [
      { name: 'AdaBoost', x: [1, 2, 5, 10, 20, 50], y: [0.71, 0.76, 0.82, 0.86, 0.88, 0.885], lower: [0.66, 0.72, 0.79, 0.83, 0.86, 0.87], upper: [0.76, 0.8, 0.85, 0.89, 0.9, 0.9] },
      { name: 'Random forest', x: [1, 2, 5, 10, 20, 50], y: [0.68, 0.74, 0.8, 0.83, 0.85, 0.86] },
    ] },
  }),
  async render(data, options = {}) {
    const names = data.series.map((s) => s.name);
    checkNames(names, 'series');
    const rows = [];
    const bands = [];
    for (const s of data.series) {
      rows.push(...seriesRows(s.name, s.x, s.y, 'series'));
      if (s.lower || s.upper) {
        if (!s.lower || !s.upper) throw new OptionError('series', `series "${s.name}" needs both lower and upper for a band`);
        const lo = seriesRows(s.name, s.x, s.lower, 'series.lower');
        const hi = new Map(seriesRows(s.name, s.x, s.upper, 'series.upper').map((r) => [r.i, r.y]));
        for (const r of lo) if (hi.has(r.i)) bands.push({ name: s.name, i: r.i, x: r.x, lo: r.y, hi: hi.get(r.i) });
      }
    }
    const logX = options.logX ?? false;
    const x = { field: 'x', type: 'quantitative', title: options.xTitle ?? 'Parameter', scale: logX ? { type: 'log', nice: false } : { zero: false, nice: false } };
    const yScale = options.yDomain ? { domain: options.yDomain, nice: false } : { zero: false };
    const color = { field: 'name', type: 'nominal', scale: orderedColorScale(names), legend: { title: options.legendTitle ?? null, symbolType: 'stroke', symbolOpacity: 1 } };
    const order = { field: 'i', type: 'quantitative' };
    const y = { field: 'y', type: 'quantitative', title: options.yTitle ?? 'Metric', scale: yScale };
    const layers: unknown[] = [];
    if (bands.length)
      layers.push({
        data: { values: bands },
        mark: { type: 'area', opacity: options.bandOpacity ?? 0.2, clip: true },
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: options.yTitle ?? 'Metric', scale: yScale }, y2: { field: 'hi' }, color },
      });
    const point = options.points ?? true ? { filled: true, size: 36 } : false;
    layers.push({ data: { values: rows }, mark: { type: 'line', point }, encoding: { x, y, color, order } });
    return renderChart(options, { layer: layers });
  },
};
