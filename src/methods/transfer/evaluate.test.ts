import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../../util/errors.js';
import { transferCurves } from './evaluate.js';
import { topKAccuracy } from './pretrain.js';
import type { TargetTask } from './target-tasks.js';

test('topKAccuracy: rank of the true class among the probabilities', () => {
  // rows: true 0 ranked 1st; true 2 ranked 2nd; true 1 ranked 3rd
  const p = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.5, 0.1, 0.4]);
  const y = [0, 2, 1];
  assert.equal(topKAccuracy(p, y, 3, 1), 1 / 3);
  assert.equal(topKAccuracy(p, y, 3, 2), 2 / 3);
  assert.equal(topKAccuracy(p, y, 3, 3), 1);
});

test('transferCurves: an informative feature reaches AUC 1, a label-free one does not; subjects kept apart', () => {
  // 4 subjects x 10 patches, label = i % 2; feature 'signal' = label + small offset, 'noise' = a label-free pattern
  const items = Array.from({ length: 40 }, (_, i) => ({ volume: 'v', point: [0, 0, 0] as [number, number, number], label: i % 2, group: `s${Math.floor(i / 10)}` }));
  const task: TargetTask = { name: 'structures', classNames: ['a', 'b'], items };
  const signal = { rows: 40, cols: 2, data: Float32Array.from(items.flatMap((it, i) => [it.label + 0.01 * (i % 7), (i * 37) % 11])) };
  const noise = { rows: 40, cols: 2, data: Float32Array.from({ length: 80 }, (_, k) => ((k * 7919) % 101) / 101) };
  const r = transferCurves(task, new Map([['signal', signal], ['noise', noise]]), new Set(['s0', 's1']), new Set(['s2', 's3']), { labels: 4, seeds: 3, counts: [1, 5], resamples: 50 });
  assert.equal(r.testCount, 20);
  assert.deepEqual(r.curves.signal.auc, [1, 1]);
  assert.ok(r.curves.noise.auc.every((v) => v < 0.9), `noise AUC ${r.curves.noise.auc}`);
  assert.equal(r.curves.signal.perSeed.length, 3);
  assert.throws(() => transferCurves(task, new Map([['signal', signal]]), new Set(['s0', 's2']), new Set(['s2']), { counts: [1] }), OptionError);
  assert.throws(() => transferCurves(task, new Map([['x', { rows: 3, cols: 1, data: new Float32Array(3) }]]), new Set(['s0']), new Set(['s2']), { counts: [1] }), /has 3 rows for 40 patches/);
});
