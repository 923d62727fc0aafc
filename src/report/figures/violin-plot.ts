// Violin plots: a mirrored Gaussian kernel density (Silverman bandwidth) per group, with the
// interquartile range as a thick bar, whiskers as a thin line and the median as a white dot inside.
import { checkNames, groupAxisEncoding, orderedColorScale, renderChart } from '../chart-base.js';
import { boxStats, gaussianKde } from '../stats.js';
import type { ChartOptions, FigureKind } from '../types.js';
import type { GroupedData } from './box-plot.js';

export interface ViolinPlotOptions extends ChartOptions {
  /** @default none */
  xTitle?: string;
  /** @default 'Value' */
  yTitle?: string;
  /** Density grid points per group. @default 100 */
  points?: number;
  /** How many bandwidths the density extends past the data. @default 1 */
  cut?: number;
  /** Densities share one width scale (comparable areas) instead of each filling its slot. @default false */
  sharedScale?: boolean;
  /** Draw the quartile bar and median inside. @default true */
  inner?: boolean;
}

export const violinPlot: FigureKind<GroupedData, ViolinPlotOptions> = {
  name: 'violin-plot',
  description: 'Violin plots (kernel density per group) with quartiles and median inside.',
  exampleText: ['Layer', 'Score', 'layer1', 'layer3'],
  example: () => ({
    options: { xTitle: 'Layer', yTitle: 'Score' },
    data: { groups: ['layer1', 'layer2', 'layer3'].map((name, g) => ({
      name,
      values: Array.from({ length: 80 }, (_, i) => g + Math.sin(i * 3.7 + g) * (0.3 + 0.2 * g) + (i % 4 === 0 && g === 2 ? 1 : 0)),
    })) },
  }),
  async render(data, options = {}) {
    const names = data.groups.map((g) => g.name);
    checkNames(names, 'groups');
    const curves = data.groups.map((g) => gaussianKde(g.values, { points: options.points ?? 100, cut: options.cut ?? 1 }));
    const peak = (d: Float64Array): number => d.reduce((m, v) => Math.max(m, v), 0);
    const globalPeak = Math.max(...curves.map((c) => peak(c.density)));
    const area = [];
    const inner = [];
    for (const [i, c] of curves.entries()) {
      if (c.at.length === 0) continue;
      const scale = 0.42 / ((options.sharedScale ? globalPeak : peak(c.density)) || 1);
      for (let j = 0; j < c.at.length; j++) area.push({ g: names[i], j, v: c.at[j], l: i - c.density[j] * scale, r: i + c.density[j] * scale });
      const b = boxStats(data.groups[i].values);
      inner.push({ g: names[i], i, q1: b.q1, q3: b.q3, med: b.median, lo: b.lowWhisker, hi: b.highWhisker });
    }
    const x = groupAxisEncoding(names, options.xTitle);
    const y = { type: 'quantitative', title: options.yTitle ?? 'Value', scale: { zero: false } };
    const layers: unknown[] = [
      {
        data: { values: area },
        mark: { type: 'area', orient: 'horizontal', opacity: 0.8, stroke: '#333', strokeWidth: 0.8 },
        encoding: {
          y: { field: 'v', ...y },
          x: { field: 'l', ...x },
          x2: { field: 'r' },
          color: { field: 'g', type: 'nominal', scale: orderedColorScale(names), legend: null },
          detail: { field: 'g' },
        },
      },
    ];
    if (options.inner ?? true)
      layers.push(
        { data: { values: inner }, mark: { type: 'rule', color: '#222', strokeWidth: 1 }, encoding: { x: { field: 'i', ...x }, y: { field: 'lo', ...y }, y2: { field: 'hi' } } },
        { data: { values: inner }, mark: { type: 'rule', color: '#222', strokeWidth: 5 }, encoding: { x: { field: 'i', ...x }, y: { field: 'q1', ...y }, y2: { field: 'q3' } } },
        { data: { values: inner }, mark: { type: 'point', filled: true, color: 'white', size: 22, opacity: 1 }, encoding: { x: { field: 'i', ...x }, y: { field: 'med', ...y } } },
      );
    return renderChart(options, { layer: layers });
  },
};
