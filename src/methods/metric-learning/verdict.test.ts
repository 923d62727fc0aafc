// Tile → image verdicts and centroids on hand-computed cases; threshold calibration on known tiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrateThreshold } from '../../metrics/index.js';
import { imageVerdict, majorityClass, aggregateScore } from './verdict.js';
import { classCentroids, nearestCentroid } from './centroids.js';
import { matrix, invert } from './matrix.js';

const CLASSES = ['NCM333', 'NCM523'];

test('majority class: most frequent tile class, ties to the smaller index', () => {
  assert.equal(majorityClass([1, 1, 0]), 1);
  assert.equal(majorityClass([1, 0, 1, 0]), 0);
});

test('vote: unknown when more than half the tiles score above the threshold', () => {
  // threshold 1: scores 0.5, 2, 3, 0.2 → 2 of 4 flagged = 0.5, not > 0.5 → known, majority class 1.
  const v = imageVerdict([0.5, 2, 3, 0.2], [1, 1, 0, 1], 1, CLASSES);
  assert.deepEqual(v, { verdict: 'NCM523', classIndex: 1, predictedClass: 1, score: 0.5, unknownFraction: 0.5, tiles: 4 });
  // 3 of 4 flagged → unknown.
  const u = imageVerdict([1.5, 2, 3, 0.2], [1, 1, 0, 1], 1, CLASSES);
  assert.equal(u.verdict, 'unknown');
  assert.equal(u.classIndex, -1);
  assert.equal(u.predictedClass, 1);
});

test('mean and median aggregation against the threshold', () => {
  // scores 0, 0, 0, 5: mean 1.25 > 1 → unknown; median 0 ≤ 1 → class 0.
  assert.equal(imageVerdict([0, 0, 0, 5], [0, 0, 0, 0], 1, CLASSES, { aggregate: 'mean' }).verdict, 'unknown');
  assert.equal(imageVerdict([0, 0, 0, 5], [0, 0, 0, 0], 1, CLASSES, { aggregate: 'median' }).verdict, 'NCM333');
  assert.equal(aggregateScore([0, 0, 0, 5], 'mean'), 1.25);
  assert.equal(aggregateScore([0, 0, 3, 5], 'median'), 1.5);
  assert.throws(() => imageVerdict([], [], 1, CLASSES), /no tiles/);
});

test('threshold at 95 % TPR on known tiles: 20 scores 1…20 → 19, and 19 of 20 accepted', () => {
  const known = Array.from({ length: 20 }, (_, i) => i + 1);
  const t = calibrateThreshold(known, { tpr: 0.95 });
  assert.equal(t.threshold, 19);
  assert.equal(t.achievedTpr, 0.95);
  // An image of tiles 18…21: 20 and 21 flagged (2 of 4) → not unknown by vote; mean 19.5 > 19 → unknown.
  assert.equal(imageVerdict([18, 19, 20, 21], [0, 0, 0, 0], t.threshold, CLASSES).verdict, 'NCM333');
  assert.equal(imageVerdict([18, 19, 20, 21], [0, 0, 0, 0], t.threshold, CLASSES, { aggregate: 'mean' }).verdict, 'unknown');
});

test('centroids: means per class, nearest centroid and its distance; empty class refused', () => {
  const cc = classCentroids(matrix(4, 2, [0, 0, 2, 0, 0, 4, 0, 6]), [0, 0, 1, 1], 2, false);
  assert.deepEqual(Array.from(cc.centroids.data), [1, 0, 0, 5]);
  assert.deepEqual(cc.counts, [2, 2]);
  const near = nearestCentroid(cc, matrix(2, 2, [1, 1, 0, 3]));
  assert.deepEqual(Array.from(near.labels), [0, 1]);
  assert.deepEqual(Array.from(near.distances), [1, 2]);
  assert.throws(() => classCentroids(matrix(1, 2, [0, 0]), [0], 2, false), /class 1 has no embeddings/);
});

test('invert: [[4, 7], [2, 6]]⁻¹ = [[0.6, −0.7], [−0.2, 0.4]]', () => {
  const inv = invert(Float64Array.from([4, 7, 2, 6]), 2);
  [0.6, -0.7, -0.2, 0.4].forEach((v, i) => assert.ok(Math.abs(inv[i] - v) < 1e-12));
});
