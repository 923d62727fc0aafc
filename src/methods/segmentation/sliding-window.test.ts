// Sliding-window prediction: window positions, weights, and agreement with whole-image prediction
// (exact for a pixelwise predictor under any windows; equal for a U-Net when one window covers the image).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cat, liveTensors, manualSeed, pad, randn, tidy, type Tensor } from '../../engine/index.js';
import { UNet } from '../../models/index.js';
import { slidingWindow, windowStarts, windowWeights } from './sliding-window.js';

function maxDiff(a: Tensor, b: Tensor): number {
  return tidy(() => a.sub(b).abs().max().item());
}

test('windowStarts: evenly spread, first 0, last length − window', () => {
  // step 128: ⌈(512 − 256) / 128⌉ + 1 = 3 windows
  assert.deepEqual(windowStarts(512, 256, 0.5), [0, 128, 256]);
  // step 32: ⌈36 / 32⌉ + 1 = 3 windows at round(i · 36 / 2)
  assert.deepEqual(windowStarts(100, 64, 0.5), [0, 18, 36]);
  assert.deepEqual(windowStarts(64, 64, 0.5), [0]);
  assert.deepEqual(windowStarts(40, 64, 0.5), [0]);
  // no overlap: step 64, ⌈(200 − 64) / 64⌉ + 1 = 4
  assert.deepEqual(windowStarts(200, 64, 0), [0, 45, 91, 136]);
});

test('windowWeights: Gaussian peaks at 1 in the centre, is symmetric, floored at 1e-3; uniform is ones', () => {
  const g = windowWeights(16, 16, 'gaussian');
  const d = g.data() as Float32Array;
  // σ = 2: corner (0,0) is 7.5 px from the centre on each axis: exp(−0.5·(3.75² + 3.75²)) < 1e-3 → floor
  assert.ok(Math.abs(d[0] - 1e-3) < 1e-9);
  assert.ok(Math.abs(d[7 * 16 + 7] - Math.exp(-0.5 * 2 * 0.25 ** 2)) < 1e-6);
  assert.equal(d[3 * 16 + 5], d[12 * 16 + 10]);
  assert.deepEqual(Array.from(windowWeights(2, 3, 'uniform').data() as Float32Array), [1, 1, 1, 1, 1, 1]);
  g.dispose();
});

test('a pixelwise predictor gives the whole-image result under any windows, overlap and blending', () => {
  manualSeed(3);
  const img = randn([2, 37, 53]);
  const f = (x: Tensor): Tensor => tidy(() => cat([x.narrow(1, 0, 1).mul(3).sub(1).sigmoid(), x.narrow(1, 1, 1).square()], 1));
  const whole = tidy(() => f(img.unsqueeze(0)).squeeze(0));
  const before = liveTensors();
  for (const [window, overlap, blend] of [[16, 0.5, 'gaussian'], [16, 0, 'uniform'], [32, 0.25, 'gaussian'], [64, 0.5, 'uniform']] as const) {
    const out = slidingWindow(f, img, { window, overlap, blend, batchSize: 3 });
    assert.deepEqual(out.shape, [2, 37, 53]);
    assert.ok(maxDiff(out, whole) < 1e-5, `window ${window} overlap ${overlap} ${blend}: ${maxDiff(out, whole)}`);
    out.dispose();
  }
  assert.equal(liveTensors(), before, 'no tensor left behind');
  [img, whole].forEach((t) => t.dispose());
});

test('U-Net: a window covering the image equals whole-image prediction; a small image is padded and cut back', () => {
  manualSeed(5);
  const net = new UNet({ inChannels: 1, outChannels: 2, widths: [4, 8, 16] }).eval();
  const f = (x: Tensor): Tensor => net.forward(x);
  const img = randn([1, 64, 48]);
  const whole = tidy(() => net.forward(img.unsqueeze(0)).squeeze(0));
  for (const blend of ['gaussian', 'uniform'] as const) {
    const out = slidingWindow(f, img, { window: 64, blend, multiple: 4 });
    assert.ok(maxDiff(out, whole) < 1e-5, `${blend}: ${maxDiff(out, whole)}`);
    out.dispose();
  }
  // 30 × 30 with a 64 window: one 32 × 32 window (30 rounded up to a multiple of 4), reflection padded
  const small = randn([1, 30, 30]);
  const ref = tidy(() => net.forward(pad(small.unsqueeze(0), [0, 2, 0, 2], 'reflect')).squeeze(0).narrow(1, 0, 30).narrow(2, 0, 30));
  const out = slidingWindow(f, small, { window: 64, multiple: 4 });
  assert.deepEqual(out.shape, [2, 30, 30]);
  assert.ok(maxDiff(out, ref) < 1e-5);
  // overlapping windows smaller than the image: the right size, finite, and near the whole-image output in the middle
  const tiled = slidingWindow(f, img, { window: 32, overlap: 0.5, multiple: 4 });
  assert.deepEqual(tiled.shape, [2, 64, 48]);
  assert.ok(tidy(() => tiled.isfinite().all().item()) === 1);
  assert.throws(() => slidingWindow(f, img, { window: 30, multiple: 4 }), /--window: must be a positive multiple of 4/);
  assert.throws(() => slidingWindow(f, img, { window: 32, overlap: 1 }), /--overlap/);
  [img, whole, small, ref, out, tiled].forEach((t) => t.dispose());
  net.dispose();
});
