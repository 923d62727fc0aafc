// Synchronised batch norm outside a data-parallel group is plain batch norm (outputs, gradients,
// running statistics); the 2-rank equality with one process of the combined batch is in
// src/distributed/data-parallel.test.ts (it needs processes on 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, tidy } from '../engine/index.js';
import { BatchNorm2d } from './norm.js';
import { SyncBatchNorm, isSyncBatchNorm, syncBatchNorm } from './sync-batch-norm.js';
import { Sequential } from './container.js';
import { Conv2d } from './conv.js';

function maxAbs(a: Float32Array, b: Float32Array): number {
  let m = 0;
  a.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[i]))));
  return m;
}

test('without a group, SyncBatchNorm and a converted BatchNorm2d compute exactly what BatchNorm2d does', () => {
  manualSeed(1);
  const x = randn([4, 3, 5, 5]);
  const run = (bn: BatchNorm2d): { y: Float32Array; gw: Float32Array; rm: Float32Array } =>
    tidy(() => {
      const y = bn.forward(x);
      y.mul(y).sum().backward();
      const out = { y: y.data() as Float32Array, gw: bn.weight!.grad!.data() as Float32Array, rm: bn.runningMean!.data() as Float32Array };
      return out;
    });
  const plain = run(new BatchNorm2d(3));
  const sync = run(new SyncBatchNorm(3));
  const converted = new BatchNorm2d(3);
  const model = new Sequential(new Conv2d(3, 3, 1), converted);
  assert.equal(syncBatchNorm(model), 1);
  assert.equal(syncBatchNorm(model), 0, 'a second conversion converted again');
  assert.ok(isSyncBatchNorm(converted));
  const conv = run(converted);
  for (const r of [sync, conv]) {
    assert.equal(maxAbs(r.y, plain.y), 0);
    assert.equal(maxAbs(r.gw, plain.gw), 0);
    assert.equal(maxAbs(r.rm, plain.rm), 0);
  }
  // and the data do move the running mean (0 → 0.1·batch mean), so the comparison is not of zeros
  assert.ok(Math.max(...Array.from(plain.rm).map(Math.abs)) > 1e-3);
  x.dispose();
});
