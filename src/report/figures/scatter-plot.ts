// 2-D scatter of embeddings (t-SNE/UMAP/PCA) coloured by class, class centroids as large marked points,
// and an "unknown" class (open-set rejections) highlighted as black crosses drawn on top.
import { OptionError } from '../../util/errors.js';
import { orderedColorScale, renderChart } from '../chart-base.js';
import type { ChartOptions, FigureKind } from '../types.js';

export interface ScatterCentroid {
  label: string | number;
  x: number;
  y: number;
}

export interface ScatterData {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Class of each point. */
  labels: ArrayLike<string | number> | readonly (string | number)[];
  /** Class centroids (e.g. prototypes), drawn as large diamonds in the class colour. @default none */
  centroids?: ScatterCentroid[];
}

export interface ScatterPlotOptions extends ChartOptions {
  /** @default 'Dimension 1' */
  xTitle?: string;
  /** @default 'Dimension 2' */
  yTitle?: string;
  /** Label of the class to highlight; absent labels are ignored. @default 'unknown' */
  unknownLabel?: string;
  /** Legend order of the classes. @default labels sorted (numerically when all are numbers) */
  classOrder?: string[];
  /** Point area in px². @default 24 */
  pointSize?: number;
  /** Point opacity (unknown points are opaque). @default 0.75 */
  opacity?: number;
  /** Legend title. @default 'Class' */
  legendTitle?: string;
}

const UNKNOWN_COLOR = '#111111';

export const scatterPlot: FigureKind<ScatterData, ScatterPlotOptions> = {
  name: 'scatter-plot',
  description: '2-D scatter with class colours, class centroids, and an unknown class highlighted.',
  exampleText: ['Dimension 1', 'Dimension 2', 'Class', 'cell', 'debris', 'unknown'],
  example: () => {
    const x: number[] = [];
    const y: number[] = [];
    const labels: string[] = [];
    const centres: Array<[string, number, number]> = [['cell', -2, 0], ['nucleus', 2, 1], ['debris', 0, -2.5]];
    for (let i = 0; i < 90; i++) {
      const [name, cx, cy] = centres[i % 3];
      x.push(cx + 0.6 * Math.sin(i * 1.7));
      y.push(cy + 0.6 * Math.cos(i * 2.3));
      labels.push(name);
    }
    for (let i = 0; i < 6; i++) {
      x.push(3 * Math.sin(i));
      y.push(3.5 - i * 0.2);
      labels.push('unknown');
    }
    return { data: { x, y, labels, centroids: centres.map(([label, cx, cy]) => ({ label, x: cx, y: cy })) } };
  },
  async render(data, options = {}) {
    const n = data.x.length;
    if (data.y.length !== n || data.labels.length !== n)
      throw new OptionError('scatter', `x, y and labels must have the same length, got ${n}, ${data.y.length}, ${data.labels.length}`);
    const unknown = options.unknownLabel ?? 'unknown';
    const rows = [];
    for (let i = 0; i < n; i++) if (Number.isFinite(data.x[i]) && Number.isFinite(data.y[i])) rows.push({ i, x: data.x[i], y: data.y[i], c: String(data.labels[i]) });
    const present = new Set(rows.map((r) => r.c));
    for (const c of data.centroids ?? []) present.add(String(c.label));
    const classes = options.classOrder ? options.classOrder.filter((c) => c !== unknown) : sortLabels([...present].filter((c) => c !== unknown));
    for (const c of present) if (c !== unknown && !classes.includes(c)) classes.push(c);
    const hasUnknown = present.has(unknown);
    const domain = hasUnknown ? [...classes, unknown] : classes;
    // Draw order: known points first, unknown on top; stable by index for determinism.
    rows.sort((a, b) => Number(a.c === unknown) - Number(b.c === unknown) || a.i - b.i);
    const colorScale = orderedColorScale(classes);
    const color = {
      field: 'c',
      type: 'nominal',
      title: options.legendTitle ?? 'Class',
      scale: { domain, range: [...(colorScale.range as string[]), ...(hasUnknown ? [UNKNOWN_COLOR] : [])] },
    };
    const shape = { field: 'c', type: 'nominal', title: options.legendTitle ?? 'Class', scale: { domain, range: domain.map((c) => (c === unknown ? 'cross' : 'circle')) } };
    const size = options.pointSize ?? 24;
    const x = { field: 'x', type: 'quantitative', title: options.xTitle ?? 'Dimension 1', scale: { zero: false, padding: 12 } };
    const y = { field: 'y', type: 'quantitative', title: options.yTitle ?? 'Dimension 2', scale: { zero: false, padding: 12 } };
    const layers: unknown[] = [
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, strokeWidth: 0 },
        encoding: {
          x,
          y,
          color,
          shape,
          size: { condition: { test: `datum.c === ${JSON.stringify(unknown)}`, value: size * 2.5 }, value: size },
          opacity: { condition: { test: `datum.c === ${JSON.stringify(unknown)}`, value: 1 }, value: options.opacity ?? 0.75 },
        },
      },
    ];
    if (data.centroids?.length) {
      const cents = data.centroids.map((c) => ({ x: c.x, y: c.y, c: String(c.label) }));
      layers.push({
        data: { values: cents },
        mark: { type: 'point', shape: 'diamond', filled: true, size: size * 11, stroke: '#000', strokeWidth: 1.5, opacity: 1 },
        encoding: { x, y, color },
      });
    }
    return renderChart(options, { layer: layers }, { width: 360, height: 320 });
  },
};

/** Sort class labels numerically when all are numbers, else alphabetically. */
function sortLabels(labels: string[]): string[] {
  const numeric = labels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return labels.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
