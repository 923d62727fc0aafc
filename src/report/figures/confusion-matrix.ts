// Confusion matrix as a heat map: rows = true class, columns = predicted class, each cell with its
// count and its share of the row (the per-class recall on the diagonal).
import { OptionError } from '../../util/errors.js';
import { checkNames, renderChart } from '../chart-base.js';
import type { ChartOptions, FigureKind } from '../types.js';

export interface ConfusionMatrixData {
  classes: string[];
  /** Row-major [C, C] counts, row = true class. */
  counts: ArrayLike<number>;
}

export type ConfusionMatrixOptions = ChartOptions;

export const confusionMatrixFigure: FigureKind<ConfusionMatrixData, ConfusionMatrixOptions> = {
  name: 'confusion-matrix',
  description: 'Confusion matrix: counts and row shares, rows = true class, columns = predicted class.',
  // row young: 8 of 10 right (80 %), row old: 9 of 10 (90 %)
  exampleText: ['Predicted class', 'True class', 'young', 'old', '8 (80%)', '1 (10%)'],
  example: () => ({ data: { classes: ['young', 'old'], counts: [8, 2, 1, 9] } }),
  async render(data, options = {}) {
    checkNames(data.classes, 'classes');
    const c = data.classes.length;
    if (data.counts.length !== c * c) throw new OptionError('counts', `has ${data.counts.length} entries, expected ${c}×${c}`);
    const rows: { t: string; p: string; n: number; share: number; label: string }[] = [];
    for (let t = 0; t < c; t++) {
      let sum = 0;
      for (let p = 0; p < c; p++) sum += data.counts[t * c + p];
      for (let p = 0; p < c; p++) {
        const n = data.counts[t * c + p];
        const share = sum > 0 ? n / sum : 0;
        rows.push({ t: data.classes[t], p: data.classes[p], n, share, label: `${n} (${Math.round(share * 100)}%)` });
      }
    }
    const side = Math.min(60 * c, 480);
    const enc = {
      x: { field: 'p', type: 'nominal', sort: data.classes, title: 'Predicted class', axis: { labelAngle: 0, orient: 'top' } },
      y: { field: 't', type: 'nominal', sort: data.classes, title: 'True class' },
    };
    return renderChart(
      options,
      {
        data: { values: rows },
        layer: [
          { mark: { type: 'rect' }, encoding: { ...enc, color: { field: 'share', type: 'quantitative', scale: { domain: [0, 1], scheme: 'blues' }, legend: null } } },
          {
            mark: { type: 'text', fontSize: c > 6 ? 8 : 11 },
            encoding: { ...enc, text: { field: 'label' }, color: { condition: { test: 'datum.share > 0.6', value: 'white' }, value: 'black' } },
          },
        ],
      },
      { width: side, height: side },
    );
  },
};
