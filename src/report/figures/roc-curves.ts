// ROC curves (true- vs false-positive rate) for several classifiers, AUC in the legend, chance diagonal.
import { OptionError } from '../../util/errors.js';
import { checkNames, orderedColorScale, renderChart, seriesRows, thinEvenly } from '../chart-base.js';
import type { ChartOptions, FigureKind } from '../types.js';

/** One ROC curve, points in threshold order. `auc` is computed by the trapezoid rule when absent. */
export interface RocCurve {
  name: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  auc?: number;
}

export interface RocCurvesData {
  curves: RocCurve[];
}

export interface RocCurvesOptions extends ChartOptions {
  /** Decimals of the AUC shown in the legend. @default 3 */
  aucDigits?: number;
  /** Legend position. @default 'bottom-right' (inside the plot) */
  legendOrient?: 'bottom-right' | 'right';
  /** Most points drawn per curve; longer curves are thinned evenly (ends kept; the AUC uses every point). @default 2000 */
  maxPoints?: number;
}

/** Area under a ROC curve by the trapezoid rule, after sorting points by (fpr, tpr). */
export function trapezoidAuc(fpr: ArrayLike<number>, tpr: ArrayLike<number>): number {
  const pts = seriesRows('', fpr, tpr, 'roc').sort((a, b) => a.x - b.x || a.y - b.y);
  let area = 0;
  for (let i = 1; i < pts.length; i++) area += ((pts[i].y + pts[i - 1].y) / 2) * (pts[i].x - pts[i - 1].x);
  return area;
}

export const rocCurves: FigureKind<RocCurvesData, RocCurvesOptions> = {
  name: 'roc-curves',
  description: 'ROC curves of several classifiers with AUC in the legend and the chance diagonal.',
  exampleText: ['False positive rate', 'True positive rate', 'ResNet-18 (AUC = 0.938)', 'k-NN (AUC = 0.750)'],
  example: () => ({
    data: { curves: [
      // AUC by trapezoids: 0.25·(0.5+1)/2 + 0.75·1 = 0.1875 + 0.75 = 0.9375
      { name: 'ResNet-18', fpr: [0, 0, 0.25, 1], tpr: [0, 0.5, 1, 1] },
      { name: 'k-NN', fpr: [0, 0.5, 1], tpr: [0, 1, 1], auc: 0.75 },
    ] },
  }),
  async render(data, options = {}) {
    checkNames(data.curves.map((c) => c.name), 'curves');
    const digits = options.aucDigits ?? 3;
    if (!Number.isInteger(digits) || digits < 0 || digits > 10) throw new OptionError('aucDigits', `must be an integer 0..10, got ${digits}`);
    const labels = data.curves.map((c) => `${c.name} (AUC = ${(c.auc ?? trapezoidAuc(c.fpr, c.tpr)).toFixed(digits)})`);
    const maxPoints = Math.max(2, options.maxPoints ?? 2000);
    const rows = data.curves.flatMap((c, k) => thinEvenly(seriesRows(labels[k], c.fpr, c.tpr, 'curves'), maxPoints));
    const inside = (options.legendOrient ?? 'bottom-right') === 'bottom-right';
    const axis = (title: string) => ({ type: 'quantitative', title, scale: { domain: [0, 1], nice: false }, axis: { tickCount: 5 } });
    return renderChart(
      options,
      {
        layer: [
          {
            data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
            mark: { type: 'line', color: '#999', strokeDash: [5, 4], strokeWidth: 1 },
            encoding: { x: { field: 'x', ...axis('False positive rate') }, y: { field: 'y', ...axis('True positive rate') } },
          },
          {
            data: { values: rows },
            mark: { type: 'line' },
            encoding: {
              x: { field: 'x', ...axis('False positive rate') },
              y: { field: 'y', ...axis('True positive rate') },
              color: {
                field: 'name',
                type: 'nominal',
                scale: orderedColorScale(labels),
                legend: inside
                  ? { title: null, orient: 'bottom-right', fillColor: 'rgba(255,255,255,0.85)', padding: 6, strokeColor: '#ccc' }
                  : { title: null },
              },
              order: { field: 'i', type: 'quantitative' },
            },
          },
        ],
      },
      { width: 300, height: 300 },
    );
  },
};
