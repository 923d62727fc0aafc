// Deterministic release: 10 000 training steps leave the live-tensor count unchanged and RSS flat,
// while the model learns (its loss ends far below chance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keep, liveTensors, manualSeed, randn, randint, tidy } from './index.js';
import { Conv2d, Linear, ReLU, Sequential, Flatten, BatchNorm2d, MaxPool2d, F } from '../nn/index.js';
import { Adam } from '../optim/index.js';

test('10 000 training steps: constant live tensors, flat RSS, loss below chance ln 3 by 1.0', () => {
  manualSeed(0);
  const net = new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 3));
  const opt = new Adam(net.parameters(), { lr: 1e-3 });
  const x = randn([8, 1, 8, 8]);
  const y = randint(0, 3, [8]);
  const step = (): number => {
    opt.zeroGrad();
    const loss = tidy(() => {
      const l = F.crossEntropy(net.forward(x), y);
      l.backward();
      return l.item();
    });
    opt.step();
    return loss;
  };
  for (let i = 0; i < 200; i++) step();
  const live0 = liveTensors();
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let last = 0;
  for (let i = 0; i < 10_000; i++) last = step();
  global.gc?.();
  const rss1 = process.memoryUsage().rss;
  assert.equal(liveTensors(), live0, 'live tensor count after 10 000 more steps');
  const growthMb = (rss1 - rss0) / 2 ** 20;
  assert.ok(growthMb < 40, `RSS grew ${growthMb.toFixed(1)} MB over 10 000 steps`);
  // Learning check against chance: cross-entropy of a 3-class guess is ln 3 = 1.0986. Measured over
  // seeds 0-4 (8 fixed samples, random labels, memorised): untrained loss 0.93-1.51 (at best 0.17
  // below chance), after 200 steps 0.024-0.056, after 10 200 steps < 1e-5. Margin 1.0 below
  // chance: far past the untrained spread, and 4x the worst loss already reached after 200 steps.
  assert.ok(Number.isFinite(last) && last < Math.log(3) - 1.0, `final loss ${last} not below chance ln 3 by 1.0`);
  opt.dispose();
  net.dispose();
  x.dispose();
  y.dispose();
});

test('tensors a program forgets are released by the FinalizationRegistry safety net', async (t) => {
  if (global.gc === undefined) {
    t.skip('needs node --expose-gc (npm test passes it)');
    return;
  }
  const before = liveTensors();
  (() => {
    for (let i = 0; i < 1000; i++) randn([16]);
  })();
  assert.ok(liveTensors() - before >= 1000);
  for (let i = 0; i < 20 && liveTensors() - before > 0; i++) {
    global.gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(liveTensors() - before, 0, 'every forgotten tensor was released after collection');
});

test('tensors that leave tidy alive (returned from the outermost tidy, or kept) still get the safety net; disposed temporaries are not freed twice', async (t) => {
  if (global.gc === undefined) {
    t.skip('needs node --expose-gc (npm test passes it)');
    return;
  }
  const before = liveTensors();
  const survivor = keep(randn([4]));
  (() => {
    // each tidy makes 3 tensors: 1 returned (only the safety net frees it), 1 kept and forgotten, 1 disposed by the scope
    for (let i = 0; i < 500; i++) tidy(() => (keep(randn([16])), randn([16]).add(1)));
  })();
  assert.equal(liveTensors() - before, 1 + 2 * 500, 'the scope disposed its temporaries at once');
  for (let i = 0; i < 20 && liveTensors() - before > 1; i++) {
    global.gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(liveTensors() - before, 1, 'every escaped tensor was released after collection');
  assert.deepEqual(survivor.shape, [4], 'a tensor still referenced is untouched');
  survivor.dispose();
});
