import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose, loadMetricFixture } from './fixture-loader.js';
import { rocCurve } from './roc-curve.js';

interface OpenSetCase { name: string; scores: number[]; isUnknown: number[]; roc: { fpr: number[]; tpr: number[]; thresholds: number[] } }

test('roc curve: hand-computed points, ties move together', () => {
  // known [1, 2, 3], unknown [2, 4]: thresholds 4, 3, 2, 1 -> (FP, TP) = (0,1), (1,1), (2,2), (3,2).
  const r = rocCurve([1, 2, 3, 2, 4], [0, 0, 0, 1, 1]);
  assert.deepEqual([...r.fpr], [0, 0, 1 / 3, 2 / 3, 1]);
  assert.deepEqual([...r.tpr], [0, 0.5, 0.5, 1, 1]);
  assert.deepEqual([...r.thresholds], [Infinity, 4, 3, 2, 1]);
});

test('roc curve: dropIntermediate removes collinear points only', () => {
  // known [1, 2, 3], unknown [4, 5]: points (0,.5) (0,1) (1/3,1) (2/3,1) (1,1); the two
  // middle points of the top edge are on a straight run and go.
  const s = [1, 2, 3, 4, 5];
  const u = [0, 0, 0, 1, 1];
  const dropped = rocCurve(s, u);
  assert.deepEqual([...dropped.fpr], [0, 0, 0, 1]);
  assert.deepEqual([...dropped.tpr], [0, 0.5, 1, 1]);
  assert.deepEqual([...dropped.thresholds], [Infinity, 5, 4, 1]);
  assert.equal(rocCurve(s, u, { dropIntermediate: false }).fpr.length, 6);
});

test('roc curve: agrees with sklearn roc_curve (thresholds after the first)', () => {
  const { cases } = loadMetricFixture<{ cases: OpenSetCase[] }>('open-set.json');
  for (const c of cases) {
    const r = rocCurve(c.scores, c.isUnknown);
    assert.equal(r.fpr.length, c.roc.fpr.length, `${c.name}: number of points`);
    c.roc.fpr.forEach((v, i) => assertClose(r.fpr[i], v, 1e-12, `${c.name} fpr[${i}]`));
    c.roc.tpr.forEach((v, i) => assertClose(r.tpr[i], v, 1e-12, `${c.name} tpr[${i}]`));
    c.roc.thresholds.forEach((v, i) => assertClose(r.thresholds[i + 1], v, 1e-12, `${c.name} thr[${i + 1}]`));
  }
});
