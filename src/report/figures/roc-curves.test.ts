import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rocCurves, trapezoidAuc } from './roc-curves.js';

test('trapezoidAuc: known areas', () => {
  assert.equal(trapezoidAuc([0, 1], [0, 1]), 0.5);
  assert.equal(trapezoidAuc([0, 0, 1], [0, 1, 1]), 1);
  // 0.25·(0.5 + 1)/2 + 0.75·1 = 0.9375, points given out of order
  assert.equal(trapezoidAuc([1, 0.25, 0, 0], [1, 1, 0.5, 0]), 0.9375);
});

test('legend shows computed and given AUCs; the chance diagonal is drawn dashed', async () => {
  const svg = await rocCurves.render({ curves: [{ name: 'a', fpr: [0, 1], tpr: [0, 1] }, { name: 'b', fpr: [0, 1], tpr: [0, 1], auc: 0.91234 }] }, { aucDigits: 2 });
  assert.ok(svg.includes('a (AUC = 0.50)'));
  assert.ok(svg.includes('b (AUC = 0.91)'));
  assert.match(svg, /stroke-dasharray="5,4"/);
});

test('legend keeps the given curve order, not alphabetical', async () => {
  const svg = await rocCurves.render({ curves: [{ name: 'zeta', fpr: [0, 1], tpr: [0, 1] }, { name: 'alpha', fpr: [0, 1], tpr: [0, 1] }] });
  assert.ok(svg.indexOf('zeta (AUC') < svg.indexOf('alpha (AUC'));
});
