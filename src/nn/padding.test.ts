// ReflectionPad2d against PyTorch (fixture from scripts/gen-cyclegan-fixtures.py): uneven padding
// per side, forward and input gradient; a hand case; padding as large as the side is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grad, tensor, tidy } from '../engine/index.js';
import { assertClose, loadFixture } from '../testing/fixtures.js';
import { ReflectionPad2d } from './index.js';

test('ReflectionPad2d (left 1, right 2, top 2, bottom 1): forward and gradient equal torch.nn.ReflectionPad2d', () => {
  const fx = loadFixture('cyclegan', 'cyclegan.safetensors');
  const pad = new ReflectionPad2d([1, 2, 2, 1]);
  tidy(() => {
    const x = fx.get('pad.input')!.clone().requiresGrad_();
    const y = pad.forward(x);
    assertClose(y, fx.get('pad.output')!, 'forward', { atol: 0, rtol: 0 });
    const [gx] = grad(y.mul(fx.get('pad.weight')!).sum(), [x]);
    assertClose(gx!, fx.get('pad.inputGrad')!, 'input grad', { atol: 1e-5 });
  });
});

test('ReflectionPad2d(1) of the row [1 2 3] mirrors without repeating the edge: [2 1 2 3 2]', () => {
  const y = tidy(() => Array.from(new ReflectionPad2d(1).forward(tensor([1, 2, 3], { shape: [1, 1, 1, 3] }).repeat([1, 1, 2, 1])).data() as Float32Array));
  // 2 rows of [1 2 3] padded by one on every side: 4 rows of [2 1 2 3 2]
  assert.deepEqual(y, [2, 1, 2, 3, 2, 2, 1, 2, 3, 2, 2, 1, 2, 3, 2, 2, 1, 2, 3, 2]);
  assert.throws(() => tidy(() => new ReflectionPad2d(3).forward(tensor([1, 2, 3], { shape: [1, 1, 1, 3] }))), /smaller than the input's 1×3/);
  assert.throws(() => new ReflectionPad2d(-1), /non-negative integer/);
});
