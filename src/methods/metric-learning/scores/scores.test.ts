// Unknown scores on hand-computed cases, and a registry contract: every score separates points far
// from two known clusters from the clusters' own points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auroc } from '../../../metrics/index.js';
import { matrix } from '../matrix.js';
import { centroidDistanceScore, knnDistanceScore, mahalanobisScore, mspScore, maxLogitScore, energyScore, vimScore, symmetricEigen, UNKNOWN_SCORES, unknownScore } from './index.js';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-5): void => {
  assert.equal(a.length, b.length);
  b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) < tol, `[${i}] ${a[i]} vs ${v}`));
};
const none = matrix(0, 0);

test('centroid-distance: class 0 at (0,0),(2,0) → centroid (1,0); class 1 at (0,4),(0,6) → (0,5)', () => {
  const fit = centroidDistanceScore.fit({ embeddings: matrix(4, 2, [0, 0, 2, 0, 0, 4, 0, 6]), labels: [0, 0, 1, 1], numClasses: 2, normalize: false });
  // (1,1): 1 from (1,0); (3,5): 3 from (0,5); (1,5): min(5, 1) = 1.
  close(fit({ embeddings: matrix(3, 2, [1, 1, 3, 5, 1, 5]), logits: none }), [1, 3, 1]);
});

test('centroid-distance on normalised embeddings: (2,0),(0,3) → (1,0),(0,1) → centroid (½,½)', () => {
  const fit = centroidDistanceScore.fit({ embeddings: matrix(2, 2, [2, 0, 0, 3]), labels: [0, 0], numClasses: 1, normalize: true });
  // (5,0) → (1,0): √(¼ + ¼) = 0.707107; (−1,−1) → (−½√2, −½√2): √2·(½ + ½√2) = 1.707107.
  close(fit({ embeddings: matrix(2, 2, [5, 0, -1, -1]), logits: none }), [Math.SQRT1_2, 1.7071068]);
});

test('knn-distance, k = 2: distance to the second-nearest training point', () => {
  const fit = knnDistanceScore({ k: 2 }).fit({ embeddings: matrix(3, 2, [0, 0, 1, 0, 3, 0]), labels: [0, 0, 0], numClasses: 1, normalize: false });
  // (0,0): distances 0, 1, 3 → 1; (10,0): 10, 9, 7 → 9; (1,1): 1.414, 1, 2.236 → 1.414.
  close(fit({ embeddings: matrix(3, 2, [0, 0, 10, 0, 1, 1]), logits: none }), [1, 9, Math.SQRT2]);
  assert.throws(() => knnDistanceScore({ k: 0 }), /k must be/);
});

test('mahalanobis: shared covariance diag(½, 2) from (±1,0),(0,±2)', () => {
  // Class 0 mean (0,0); class 1 is the same shape moved to (10,0), mean (10,0); pooled covariance:
  // x: (1 + 1)/4 = ½, y: (4 + 4)/4 = 2, off-diagonal 0.
  const pts = [-1, 0, 1, 0, 0, -2, 0, 2, 9, 0, 11, 0, 10, -2, 10, 2];
  const fit = mahalanobisScore.fit({ embeddings: matrix(8, 2, pts), labels: [0, 0, 0, 0, 1, 1, 1, 1], numClasses: 2, normalize: false });
  // (1,0): 1²/½ = 2; (0,2): 2²/2 = 2; (1,2): 2 + 2 = 4; (9,1): to (10,0): 1/½ + 1/2 = 2.5.
  close(fit({ embeddings: matrix(4, 2, [1, 0, 0, 2, 1, 2, 9, 1]), logits: none }), [2, 2, 4, 2.5], 1e-4);
});

test('softmax baselines: MSP, MaxLogit, Energy on hand-computed logits', () => {
  // logits (0, ln 3): softmax (¼, ¾) → MSP −¾; max logit −ln 3; energy −ln(1 + 3) = −ln 4.
  // logits (0, 0): MSP −½; max logit 0; energy −ln 2. logits (1000, 0): MSP −1 (no overflow), energy −1000.
  const logits = matrix(3, 2, [0, Math.log(3), 0, 0, 1000, 0]);
  const input = { embeddings: none, logits };
  const fitData = { embeddings: none, labels: [], numClasses: 2, normalize: false };
  close(mspScore.fit(fitData)(input), [-0.75, -0.5, -1]);
  close(maxLogitScore.fit(fitData)(input), [-Math.log(3), 0, -1000]);
  close(energyScore.fit(fitData)(input), [-Math.log(4), -Math.log(2), -1000], 1e-3);
});

test('symmetricEigen: [[2,1],[1,2]] has eigenvalues 3, 1 with vectors (1,1)/√2, (1,−1)/√2; a 5×5 case satisfies A·v = λ·v', () => {
  const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
  close(values, [3, 1], 1e-12);
  // columns, up to sign
  close([Math.abs(vectors[0]), Math.abs(vectors[2])], [Math.SQRT1_2, Math.SQRT1_2], 1e-12);
  assert.ok(Math.abs(vectors[0] * vectors[1] + vectors[2] * vectors[3]) < 1e-12, 'orthogonal');
  const n = 5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = Math.sin(1 + i * 7 + j * 3);
  const e = symmetricEigen(a, n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += a[i * n + j] * e.vectors[j * n + c];
      assert.ok(Math.abs(av - e.values[c] * e.vectors[i * n + c]) < 1e-10, `column ${c} row ${i}`);
    }
    if (c > 0) assert.ok(e.values[c] <= e.values[c - 1], 'descending');
  }
});

test('vim: residual off the principal axis scaled by α = mean max logit / mean residual, minus the log-sum-exp with the logits', () => {
  // Training (±2, ±0.5): mean (0,0), covariance diag(4, 0.25) → principal axis x (dim 1); every
  // training residual is 0.5; training max logits all 2 → α = 2 / 0.5 = 4.
  const emb = matrix(4, 2, [-2, 0.5, 2, -0.5, -2, -0.5, 2, 0.5]);
  const fit = vimScore({ dim: 1 }).fit({ embeddings: emb, logits: matrix(4, 2, [2, 0, 0, 2, 2, 1, 1, 2]), labels: [0, 1, 0, 1], numClasses: 2, normalize: false });
  // (0,3), logits (0,0): v = 4·3 = 12 → 12 − ln(e¹² + 2) = −ln(1 + 2e⁻¹²) ≈ −1.2288e-5.
  // (1,0), logits (ln 3, 0): v = 0 → −ln(1 + 3 + 1) = −ln 5.
  // (0,0.5), logits (0,0): v = 2 → 2 − ln(e² + 2) = −0.2395403.
  const s = fit({ embeddings: matrix(3, 2, [0, 3, 1, 0, 0, 0.5]), logits: matrix(3, 2, [0, 0, Math.log(3), 0, 0, 0]) });
  close(s, [-Math.log(1 + 2 * Math.exp(-12)), -Math.log(5), 2 - Math.log(Math.exp(2) + 2)], 1e-6); // logits are stored as float32
  assert.throws(() => vimScore().fit({ embeddings: emb, labels: [0, 1, 0, 1], numClasses: 2, normalize: false }), /needs the training tiles' logits/);
  assert.throws(() => vimScore({ dim: 0 }), /dim must be/);
});

test('score registry: unique names, lookup, unknown name refused', () => {
  assert.equal(new Set(UNKNOWN_SCORES.map((s) => s.name)).size, UNKNOWN_SCORES.length);
  assert.equal(unknownScore('energy'), energyScore);
  assert.throws(() => unknownScore('nope'), /unknown score 'nope'/);
});

// Two known clusters at (±5, 0), unknowns at (0, ±5); logits z = (x, −x) as a linear head would give.
function toySet(): { train: number[]; labels: number[]; test: number[]; isUnknown: number[] } {
  let s = 12345;
  const noise = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 2 ** 32 - 0.5) * 1.5;
  };
  const train: number[] = [];
  const labels: number[] = [];
  const test: number[] = [];
  const isUnknown: number[] = [];
  for (let i = 0; i < 40; i++) {
    const c = i % 2;
    train.push((c ? -5 : 5) + noise(), noise());
    labels.push(c);
    test.push((c ? -5 : 5) + noise(), noise());
    isUnknown.push(0);
    test.push(noise(), (c ? -5 : 5) + noise());
    isUnknown.push(1);
  }
  return { train, labels, test, isUnknown };
}

for (const score of UNKNOWN_SCORES) {
  test(`score contract (${score.name}): one finite score per tile, unknowns score higher (AUROC > 0.95)`, () => {
    const d = toySet();
    const emb = matrix(d.labels.length, 2, d.train);
    const testEmb = matrix(d.isUnknown.length, 2, d.test);
    const logits = matrix(testEmb.rows, 2, Array.from({ length: testEmb.rows * 2 }, (_, i) => (i % 2 ? -1 : 1) * d.test[i - (i % 2)]));
    for (const normalize of [false, true]) {
      const trainLogits = matrix(emb.rows, 2, Array.from({ length: emb.rows * 2 }, (_, i) => (i % 2 ? -1 : 1) * d.train[i - (i % 2)]));
      const s = score.fit({ embeddings: emb, logits: trainLogits, labels: d.labels, numClasses: 2, normalize })({ embeddings: testEmb, logits });
      assert.equal(s.length, testEmb.rows);
      assert.ok(s.every(Number.isFinite));
      const a = auroc(s, d.isUnknown);
      assert.ok(a > 0.95, `${score.name} normalize=${normalize}: AUROC ${a}`);
    }
  });
}
