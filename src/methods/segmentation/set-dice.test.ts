// Known answers of the three set Dice on hand-made 1×4 masks, including images where the truth,
// the prediction or both are empty, and the case that motivates --select-by: a model predicting
// nothing wins by per-image mean Dice and loses by pooled and present Dice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageDice, imageDiceCounts, selectedClassDice, setDice } from './set-dice.js';

const im = (name: string, pred: number[], truth: number[], classes = 2) => imageDice(name, imageDiceCounts(pred, truth, classes));
const close = (a: number | null, b: number, msg?: string) => assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${msg ?? ''}: ${a} vs ${b}`);

test('mean, pooled and present Dice with empty truth, empty prediction and both empty', () => {
  const images = [
    im('a', [1, 1, 0, 0], [1, 1, 1, 1]), // I 2, P 2, T 4: 4/6
    im('b', [0, 0, 0, 0], [0, 0, 0, 0]), // both empty: 1
    im('c', [1, 1, 0, 0], [0, 0, 0, 0]), // empty truth, 2 predicted: 0
    im('d', [0, 0, 0, 0], [1, 1, 0, 0]), // empty prediction: 0
  ];
  assert.deepEqual(images.map((i) => i.counts[0]), [
    { intersection: 2, predicted: 2, truth: 4 }, { intersection: 0, predicted: 0, truth: 0 },
    { intersection: 0, predicted: 2, truth: 0 }, { intersection: 0, predicted: 0, truth: 2 },
  ]);
  const s = setDice(images, 'pooled');
  close(s.meanDice, (4 / 6 + 1 + 0 + 0) / 4, 'mean'); // 0.41667
  close(s.pooledDice, (2 * 2) / (4 + 6), 'pooled'); // ΣI 2, ΣP 4, ΣT 6: 0.4
  close(s.presentDice, (4 / 6 + 0) / 2, 'present'); // a and d hold the structure
  assert.equal(s.presentImages, 2);
  assert.equal(s.dice, s.pooledDice);
  assert.equal(setDice(images, 'present').dice, s.presentDice);
  assert.equal(setDice(images, 'mean').dice, s.meanDice);
  assert.equal(s.meanClassDice, undefined);
});

test('an empty prediction wins by per-image mean only', () => {
  const truth = [[1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
  // X predicts nothing; Y finds the structure and puts one false-positive pixel on each empty image
  const x = truth.map((t, i) => im(`x${i}`, [0, 0, 0, 0], t));
  const y = truth.map((t, i) => im(`y${i}`, i === 0 ? [1, 1, 1, 1] : [1, 0, 0, 0], t));
  const [sx, sy] = [setDice(x), setDice(y)];
  close(sx.meanDice, 0.75); // (0 + 1 + 1 + 1) / 4
  close(sy.meanDice, 0.25); // (1 + 0 + 0 + 0) / 4
  close(sx.pooledDice, 0); // no intersection
  close(sy.pooledDice, 8 / 11); // 2·4 / (7 + 4)
  close(sx.presentDice, 0);
  close(sy.presentDice, 1);
  assert.ok(sx.meanDice > sy.meanDice && sy.pooledDice > sx.pooledDice && sy.presentDice! > sx.presentDice!);
});

test('no image holds the structure: present Dice is null (NaN when selected), pooled follows the both-empty convention', () => {
  const empty = setDice([im('e', [0, 0], [0, 0]), im('f', [0, 0], [0, 0])], 'present');
  assert.equal(empty.presentDice, null);
  assert.ok(Number.isNaN(empty.dice));
  assert.equal(empty.pooledDice, 1);
  assert.equal(empty.presentImages, 0);
  assert.equal(setDice([im('g', [1, 0], [0, 0])]).pooledDice, 0);
});

test('three classes: each foreground class pooled and present on its own, then averaged', () => {
  // image p: truth [1,1,2,0], prediction [1,2,2,0]: class 1 I1 P1 T2 → 2/3; class 2 I1 P2 T1 → 2/3
  // image q: truth [0,0,0,0] (no class), prediction [1,0,0,0]: class 1 I0 P1 T0 → 0; class 2 empty → 1
  const p = im('p', [1, 2, 2, 0], [1, 1, 2, 0], 3);
  const q = im('q', [1, 0, 0, 0], [0, 0, 0, 0], 3);
  assert.deepEqual(p.classDice, [2 / 3, 2 / 3]);
  assert.deepEqual(q.classDice, [0, 1]);
  const s = setDice([p, q], 'pooled');
  close(s.meanClassDice![0], (2 / 3 + 0) / 2);
  close(s.meanClassDice![1], (2 / 3 + 1) / 2);
  close(s.pooledClassDice![0], 2 / (2 + 2)); // ΣI 1, ΣP 2, ΣT 2
  close(s.pooledClassDice![1], 2 / 3); // ΣI 1, ΣP 2, ΣT 1
  assert.deepEqual(s.presentClassDice, [2 / 3, 2 / 3]); // only p holds either class
  close(s.pooledDice, (0.5 + 2 / 3) / 2);
  close(s.meanDice, (2 / 3 + 0.5) / 2); // per-image means 2/3 and 1/2
  assert.equal(s.presentImages, 1);
  assert.deepEqual(selectedClassDice(s), s.pooledClassDice);
  assert.deepEqual(selectedClassDice(setDice([p, q], 'mean')), s.meanClassDice);
});
