// Box plots of value distributions per group (e.g. per-layer OOD scores): quartile box, median line,
// Tukey whiskers (most extreme data within 1.5·IQR) and outliers, statistics computed here.
import { OptionError } from '../../util/errors.js';
import { checkNames, groupAxisEncoding, orderedColorScale, renderChart } from '../chart-base.js';
import { PALETTE_HEX } from '../palette.js';
import { boxStats } from '../stats.js';
import type { ChartOptions, FigureKind } from '../types.js';

export interface GroupValues {
  name: string;
  values: ArrayLike<number>;
}

export interface GroupedData {
  groups: GroupValues[];
}

export interface BoxPlotOptions extends ChartOptions {
  /** @default none */
  xTitle?: string;
  /** @default 'Value' */
  yTitle?: string;
  /** Whisker reach in IQRs. @default 1.5 */
  whisker?: number;
  /** Most outliers drawn per group (evenly chosen over the sorted outliers). @default 200 */
  maxOutliers?: number;
  /** One palette colour per group; false draws all boxes in the first colour. @default true */
  colorByGroup?: boolean;
}

/** Evenly chosen k of the values (keeps both extremes). */
export function evenSubset(values: number[], k: number): number[] {
  if (values.length <= k) return values;
  if (k <= 1) return values.slice(0, k);
  return Array.from({ length: k }, (_, j) => values[Math.round((j * (values.length - 1)) / (k - 1))]);
}

export const boxPlot: FigureKind<GroupedData, BoxPlotOptions> = {
  name: 'box-plot',
  description: 'Box plots of distributions per group with Tukey whiskers and outliers.',
  exampleText: ['Layer', 'Score', 'layer1', 'layer4'],
  example: () => ({
    options: { xTitle: 'Layer', yTitle: 'Score' },
    data: { groups: ['layer1', 'layer2', 'layer3', 'layer4'].map((name, g) => ({
      name,
      values: Array.from({ length: 60 }, (_, i) => g * 0.5 + Math.sin(i * 7.13 + g) * (0.4 + 0.1 * g) + (i === 59 ? 2.5 : 0)),
    })) },
  }),
  async render(data, options = {}) {
    const names = data.groups.map((g) => g.name);
    checkNames(names, 'groups');
    const k = options.whisker ?? 1.5;
    if (!(k > 0)) throw new OptionError('whisker', `must be positive, got ${k}`);
    const boxes = [];
    const outliers = [];
    for (const [i, g] of data.groups.entries()) {
      const b = boxStats(g.values, k);
      if (b.n === 0) continue;
      boxes.push({ g: g.name, i, l: i - 0.3, r: i + 0.3, q1: b.q1, q3: b.q3, med: b.median, lo: b.lowWhisker, hi: b.highWhisker });
      for (const v of evenSubset(b.outliers, options.maxOutliers ?? 200)) outliers.push({ g: g.name, i, v });
    }
    const x = groupAxisEncoding(names, options.xTitle);
    const y = { type: 'quantitative', title: options.yTitle ?? 'Value', scale: { zero: false } };
    const color = options.colorByGroup ?? true ? { field: 'g', type: 'nominal', scale: orderedColorScale(names), legend: null } : { value: PALETTE_HEX[0] };
    return renderChart(options, {
      layer: [
        { data: { values: boxes }, mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'i', ...x }, y: { field: 'lo', ...y }, y2: { field: 'q1' } } },
        { data: { values: boxes }, mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'i', ...x }, y: { field: 'q3', ...y }, y2: { field: 'hi' } } },
        { data: { values: boxes }, mark: { type: 'rect', stroke: '#333', strokeWidth: 1, opacity: 0.85 }, encoding: { x: { field: 'l', ...x }, x2: { field: 'r' }, y: { field: 'q1', ...y }, y2: { field: 'q3' }, color } },
        { data: { values: boxes }, mark: { type: 'rule', color: '#000', strokeWidth: 2 }, encoding: { x: { field: 'l', ...x }, x2: { field: 'r' }, y: { field: 'med', ...y } } },
        { data: { values: outliers }, mark: { type: 'point', size: 18, color: '#333', strokeWidth: 1 }, encoding: { x: { field: 'i', ...x }, y: { field: 'v', ...y } } },
      ],
    });
  },
};
