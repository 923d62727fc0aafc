// Small helpers of the leave-one-class-out evaluation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanSd } from './open-set-eval.js';

test('meanSd: sample standard deviation; one value has sd 0', () => {
  const r = meanSd([1, 2, 3, 4]);
  assert.equal(r.mean, 2.5);
  assert.ok(Math.abs(r.sd - Math.sqrt(5 / 3)) < 1e-15);
  assert.deepEqual(meanSd([7]), { mean: 7, sd: 0 });
});
