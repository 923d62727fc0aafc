// The optimizer base: parameters without a gradient are skipped, and parameters that missed steps
// keep their own step count (bias correction) when the group is updated together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, tidy, keep } from '../engine/index.js';
import { Adam, SGD } from './index.js';

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-5, `${what}: ${a} vs ${b}`);

test('Adam batches parameters by step count: one that missed a step keeps its own bias correction', () => {
  const a = keep(tensor([0]).requiresGrad_());
  const b = keep(tensor([0]).requiresGrad_());
  const opt = new Adam([a, b], { lr: 0.1 });
  const setGrads = (ga: number | undefined, gb: number | undefined): void => {
    opt.zeroGrad();
    tidy(() => {
      if (ga !== undefined) a.grad = tensor([ga]);
      if (gb !== undefined) b.grad = tensor([gb]);
    });
  };
  setGrads(1, 1); // step 1 for both: m̂ = g, v̂ = g², update −lr · g/|g| = −0.1
  opt.step();
  close(a.item(), -0.1, 'a after step 1');
  close(b.item(), -0.1, 'b after step 1');
  setGrads(1, undefined); // only a moves (its step 2, constant gradient: again −0.1)
  opt.step();
  close(a.item(), -0.2, 'a after step 2');
  close(b.item(), -0.1, 'b skipped');
  setGrads(1, 2); // a: step 3 (−0.1 again); b: its step 2 with g = 2
  opt.step();
  close(a.item(), -0.3, 'a after step 3');
  // b at step 2: m = 0.9·0.1 + 0.1·2 = 0.29, m̂ = 0.29 / (1 − 0.9²) = 1.526316;
  // v = 0.999·0.001 + 0.001·4 = 0.004999, v̂ = 0.004999 / (1 − 0.999²) = 2.500750, √ = 1.581376;
  // update −0.1 · 1.526316 / 1.581376 = −0.096518 (at step 3 it would be −0.082857)
  close(b.item(), -0.1 - 0.096518, 'b after its step 2');
  assert.deepEqual(opt.stateDict().scalars.steps, [3, 2]);
  opt.dispose();
  [a, b].forEach((t) => t.dispose());
});

test('SGD with momentum starts each buffer at its first gradient, also for parameters that join later', () => {
  const a = keep(tensor([0]).requiresGrad_());
  const b = keep(tensor([0]).requiresGrad_());
  const opt = new SGD([a, b], { lr: 1, momentum: 0.5 });
  tidy(() => {
    a.grad = tensor([1]);
  });
  opt.step(); // a: buf = 1, a = −1; b has no gradient
  opt.zeroGrad();
  tidy(() => {
    a.grad = tensor([1]);
    b.grad = tensor([2]);
  });
  opt.step(); // a: buf = 0.5·1 + 1 = 1.5, a = −2.5; b: buf = 2, b = −2
  close(a.item(), -2.5, 'a');
  close(b.item(), -2, 'b');
  opt.dispose();
  [a, b].forEach((t) => t.dispose());
});
