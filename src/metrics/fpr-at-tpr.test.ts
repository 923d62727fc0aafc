import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { assertClose, loadMetricFixture } from './fixture-loader.js';
import { fprAtTpr } from './fpr-at-tpr.js';

interface OpenSetCase { name: string; scores: number[]; isUnknown: number[]; fpr95: number; fpr80: number }

test('fpr at tpr: hand-computed step convention', () => {
  // known [1, 2, 3], unknown [2, 4]. Threshold 4 flags U4: TPR 1/2, FPR 0.
  // Threshold 3 adds K3: TPR 1/2, FPR 1/3. Threshold 2 adds U2 and K2 together: TPR 1, FPR 2/3.
  const s = [1, 2, 3, 2, 4];
  const u = [0, 0, 0, 1, 1];
  assert.equal(fprAtTpr(s, u, { tpr: 0.5 }), 0);
  assertClose(fprAtTpr(s, u), 2 / 3, 1e-15, 'fpr95'); // 0.95 is first reached at threshold 2
  assert.equal(fprAtTpr(s, u, { tpr: 0 }), 0);
  // 20 unknowns at 1..20, 10 knowns at 0.5, 1.5, ..., 9.5: 95% = 19 unknowns -> threshold 2,
  // which flags knowns 2.5 .. 9.5 = 8 of 10.
  const unknown = Array.from({ length: 20 }, (_, i) => i + 1);
  const known = Array.from({ length: 10 }, (_, i) => i + 0.5);
  assertClose(fprAtTpr([...unknown, ...known], [...unknown.map(() => 1), ...known.map(() => 0)]), 0.8, 1e-15, 'fpr95');
});

test('fpr at tpr: agrees with sklearn roc_curve + argmax(tpr >= target)', () => {
  const { cases } = loadMetricFixture<{ cases: OpenSetCase[] }>('open-set.json');
  for (const c of cases) {
    assertClose(fprAtTpr(c.scores, c.isUnknown), c.fpr95, 1e-12, `fpr95 ${c.name}`);
    assertClose(fprAtTpr(c.scores, c.isUnknown, { tpr: 0.8 }), c.fpr80, 1e-12, `fpr80 ${c.name}`);
  }
});

test('fpr at tpr: target outside [0, 1] is an option error', () => {
  assert.throws(() => fprAtTpr([0, 1], [0, 1], { tpr: 1.5 }), OptionError);
  assert.throws(() => fprAtTpr([0, 1], [0, 1], { tpr: NaN }), OptionError);
});
