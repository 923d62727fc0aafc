// The protocol's fold list and its summaries on hand-made fold results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldSpecs, headIntervals, pairedComparison, type ProtocolFoldResult } from './openset-protocol.js';

test('foldSpecs: block × seed × class × head in that nesting order; short names for one block and seed', () => {
  const s = foldSpecs([0, 2], [7], ['A', 'B'], ['softmax', 'arcface']);
  assert.equal(s.length, 8);
  assert.deepEqual(s.slice(0, 3).map((f) => f.id), ['block0-seed7-A-softmax', 'block0-seed7-A-arcface', 'block0-seed7-B-softmax']);
  assert.deepEqual(s[4], { id: 'block2-seed7-A-softmax', testBlock: 2, seed: 7, heldOut: 'A', head: 'softmax' });
  assert.deepEqual(foldSpecs([4], [0], ['A'], ['softmax', 'arcface']).map((f) => f.id), ['A-softmax', 'A-arcface']);
  assert.equal(new Set(foldSpecs([0, 1, 2], [0, 1], ['A', 'B', 'C'], ['x', 'y']).map((f) => f.id)).size, 36);
});

/** A fold result with the given AUROC per score (the other figures are fillers). */
function fold(head: string, testBlock: number, seed: number, unknownClass: string, auroc: Record<string, number>, tile = 0.5): ProtocolFoldResult {
  const scores = Object.fromEntries(Object.entries(auroc).map(([k, v]) => [k, { auroc: v, imageAuroc: v, auprIn: 0, auprOut: 0, fpr95: 0, threshold: 0, roc: { fpr: [], tpr: [] }, knownImageAccuracy: 0, unknownImageRecall: 0 }]));
  const empty = { rows: 0, cols: 0, data: new Float32Array(0) };
  return { head, testBlock, seed, unknownClass, closedSetTileAccuracy: tile, closedSetImageAccuracy: tile, knownClasses: [], confusion: [], scores, epochs: [], embeddings: { test: empty, labels: new Int32Array(0), centroidsOf: empty, centroidLabels: new Int32Array(0) }, trainSeconds: 0 };
}

test('pairedComparison: differences are taken fold by fold (block, seed, class), in any result order', () => {
  const r = [
    fold('softmax', 0, 0, 'A', { msp: 0.5, energy: 0.6, knn: 0.55 }),
    fold('softmax', 1, 0, 'A', { msp: 0.9, energy: 0.7, knn: 0.9 }),
    // arcface's folds listed in the other order: pairing is by fold, not by position
    fold('arcface', 1, 0, 'A', { msp: 0.8, energy: 0.8, knn: 0.95 }),
    fold('arcface', 0, 0, 'A', { msp: 0.6, energy: 0.6, knn: 0.65 }),
  ];
  const rows = pairedComparison(r, ['knn', 'msp']);
  assert.deepEqual(rows.map((x) => `${x.head} ${x.score} ${x.baseline}`), ['arcface knn msp', 'arcface knn energy', 'arcface msp msp', 'arcface msp energy']);
  // knn − msp: block 0: 0.65 − 0.5 = 0.15; block 1: 0.95 − 0.9 = 0.05 → mean 0.10, both won
  const knnMsp = rows[0].difference;
  assert.ok(Math.abs(knnMsp.mean - 0.1) < 1e-12);
  assert.ok(Math.abs(knnMsp.low - 0.05) < 1e-12 && Math.abs(knnMsp.high - 0.15) < 1e-12, `${knnMsp.low} ${knnMsp.high}`);
  assert.deepEqual([knnMsp.wins, knnMsp.losses, knnMsp.n], [2, 0, 2]);
  // knn − energy: 0.05 and 0.25 → 0.15
  assert.ok(Math.abs(rows[1].difference.mean - 0.15) < 1e-12);
  // msp − msp: +0.1 and −0.1 → mean 0, one won, one lost
  assert.ok(Math.abs(rows[2].difference.mean) < 1e-12);
  assert.deepEqual([rows[2].difference.wins, rows[2].difference.losses], [1, 1]);
  // without the softmax head there is nothing to pair with
  assert.deepEqual(pairedComparison(r.filter((x) => x.head !== 'softmax'), ['knn']), []);
});

test('headIntervals: means over a head\'s folds', () => {
  const r = [fold('arcface', 0, 0, 'A', { knn: 0.6 }, 0.8), fold('arcface', 1, 0, 'A', { knn: 0.8 }, 0.9), fold('softmax', 0, 0, 'A', { knn: 0.1 }, 0.1)];
  const h = headIntervals(r, 'arcface', ['knn']);
  assert.equal(h.folds, 2);
  assert.ok(Math.abs(h.auroc.knn.mean - 0.7) < 1e-12);
  assert.ok(Math.abs(h.closedSetTileAccuracy.mean - 0.85) < 1e-12);
  assert.deepEqual([h.auroc.knn.low, h.auroc.knn.high], [0.6, 0.8]);
});
