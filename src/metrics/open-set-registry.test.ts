// Contract tests generated from the open-set registry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { evaluateOpenSet, openSetMetric, openSetMetrics } from './open-set-registry.js';

function scoresFor(separation: number): { scores: Float64Array; isUnknown: Uint8Array } {
  // Deterministic: 50 knowns then 50 unknowns, evenly spread, unknowns shifted up.
  const scores = new Float64Array(100);
  const isUnknown = new Uint8Array(100);
  for (let i = 0; i < 100; i++) {
    isUnknown[i] = i >= 50 ? 1 : 0;
    scores[i] = ((i * 37) % 50) / 50 + (i >= 50 ? separation : 0);
  }
  return { scores, isUnknown };
}

for (const m of openSetMetrics) {
  test(`open-set contract: ${m.name} is finite, in [0, 1], order-invariant and rewards separation`, () => {
    const weak = scoresFor(0.1);
    const strong = scoresFor(2);
    const a = m.compute(weak.scores, weak.isUnknown);
    const b = m.compute(strong.scores, strong.isUnknown);
    for (const v of [a, b]) assert.ok(Number.isFinite(v) && v >= 0 && v <= 1, `${m.name} = ${v}`);
    assert.ok(m.higherIsBetter ? b > a : b < a, `${m.name}: ${a} -> ${b}`);
    const rev = m.compute(Float64Array.from(weak.scores).reverse(), Uint8Array.from(weak.isUnknown).reverse());
    assert.equal(rev, a);
    assert.throws(() => m.compute([1, 2], [1, 1]), OptionError);
    assert.equal(openSetMetric(m.name), m);
  });
}

test('open-set registry: names are unique; unknown name is an option error; evaluate covers all', () => {
  const names = openSetMetrics.map((m) => m.name);
  assert.equal(new Set(names).size, names.length);
  assert.throws(() => openSetMetric('nope'), /known: auroc/);
  const { scores, isUnknown } = scoresFor(2);
  assert.deepEqual(Object.keys(evaluateOpenSet(scores, isUnknown)), names);
});
