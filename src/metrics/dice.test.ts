// Dice: known answers and the empty-mask conventions (both empty = 1, one empty = 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classDiceCounts, dice, diceCounts, meanClassDice } from './dice.js';

test('dice: 2|P∩T| / (|P| + |T|) on a hand-counted pair', () => {
  // P = {0,1,2}, T = {1,2,3,4}: intersection 2, so 2·2 / (3 + 4) = 4/7
  const p = [1, 1, 1, 0, 0, 0];
  const t = [0, 1, 1, 1, 1, 0];
  assert.deepEqual(diceCounts(p, t), { intersection: 2, predicted: 3, truth: 4 });
  assert.equal(dice(p, t), 4 / 7);
  assert.equal(dice(t, t), 1);
  // any non-zero value is inside
  assert.equal(dice([0, 255, 3], [0, 1, 1]), 1);
});

test('dice edge cases: empty prediction 0, empty truth 0, both empty 1', () => {
  assert.equal(dice([0, 0, 0], [0, 1, 1]), 0);
  assert.equal(dice([1, 0, 1], [0, 0, 0]), 0);
  assert.equal(dice([0, 0, 0], [0, 0, 0]), 1);
  assert.equal(dice([], []), 1);
  assert.throws(() => dice([1, 0], [1]), /mask: prediction has 2 pixels, truth 1/);
});

test('meanClassDice: per-class Dice averaged, an absent class counted as 1', () => {
  const p = [0, 1, 1, 2, 2, 0];
  const t = [0, 1, 2, 2, 2, 0];
  // class 1: P {1,2}, T {1}: 2·1/3; class 2: P {3,4}, T {2,3,4}: 2·2/5
  assert.deepEqual(classDiceCounts(p, t, 1), { intersection: 1, predicted: 2, truth: 1 });
  assert.ok(Math.abs(meanClassDice(p, t, [1, 2]) - (2 / 3 + 4 / 5) / 2) < 1e-15);
  // class 3 appears in neither: Dice 1
  assert.ok(Math.abs(meanClassDice(p, t, [1, 2, 3]) - (2 / 3 + 4 / 5 + 1) / 3) < 1e-15);
  assert.throws(() => meanClassDice(p, t, []), /classes/);
});
