import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { accuracy, confusionMatrix } from './classification.js';
import { loadMetricFixture } from './fixture-loader.js';

interface ClassificationCase { target: number[]; prediction: number[]; numClasses: number; accuracy: number; matrix: number[][] }

test('accuracy and confusion matrix: hand-computed', () => {
  // target [0, 1, 2, 2], prediction [0, 2, 2, 1]: hits at 0 and 2 -> 2/4.
  assert.equal(accuracy([0, 1, 2, 2], [0, 2, 2, 1]), 0.5);
  const m = confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1]);
  assert.equal(m.numClasses, 3);
  // rows = true: 0 -> {0}, 1 -> {2}, 2 -> {2, 1}
  assert.deepEqual([...m.counts], [1, 0, 0, 0, 0, 1, 0, 1, 1]);
  assert.equal(m.at(2, 1), 1);
});

test('accuracy and confusion matrix: agree with sklearn', () => {
  const { cases } = loadMetricFixture<{ cases: ClassificationCase[] }>('classification.json');
  for (const c of cases) {
    assert.equal(accuracy(c.target, c.prediction), c.accuracy);
    const m = confusionMatrix(c.target, c.prediction, { numClasses: c.numClasses });
    assert.deepEqual([...m.counts], c.matrix.flat());
  }
});

test('classification: bad labels are option errors', () => {
  assert.throws(() => accuracy([], []), OptionError);
  assert.throws(() => accuracy([0, 1], [0]), OptionError);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], { numClasses: 2 }), /entry 1 is 3/);
  assert.throws(() => confusionMatrix([0, 1.5], [0, 1]), OptionError);
  assert.throws(() => confusionMatrix([0, -1], [0, 1], { numClasses: 2 }), OptionError);
});
