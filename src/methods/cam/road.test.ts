// ROAD's noisy linear imputation on cases solved by hand, and the MoRF/LeRF gap on a closed-form
// network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, liveTensors } from '../../engine/index.js';
import { Sequential, Flatten, Linear } from '../../nn/index.js';
import { Rng } from '../../data/rng.js';
import { noisyLinearImpute, road } from './road.js';

test('imputation: a pixel among kept neighbours is their weighted mean', () => {
  // sides 1 (weight 1/6 each), diagonals 4 (1/12 each): 4/6·1 + 4/12·4 = 2
  const img = Float32Array.from([4, 1, 4, 1, 99, 1, 4, 1, 4]);
  const out = noisyLinearImpute(img, 1, 3, 3, Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]));
  assert.ok(Math.abs(out[4] - 2) < 1e-6, `centre ${out[4]}`);
  assert.deepEqual(Array.from(out).filter((_, i) => i !== 4), [4, 1, 4, 1, 1, 4, 1, 4]);
});

test('imputation: two removed pixels in a row solve jointly (linear interpolation)', () => {
  // 1×4 row [0, ?, ?, 3]: only left/right neighbours exist, so 2x1 − x2 = 0 and 2x2 − x1 = 3 → x = (1, 2)
  const out = noisyLinearImpute(Float32Array.from([0, 50, -50, 3]), 1, 1, 4, Uint8Array.from([0, 1, 1, 0]));
  assert.ok(Math.abs(out[1] - 1) < 1e-6 && Math.abs(out[2] - 2) < 1e-6, `${out[1]}, ${out[2]}`);
});

test('imputation: a linear ramp is reproduced exactly inside the image, per channel; noise is seeded', () => {
  const h = 7;
  const w = 6;
  const ramp = Float32Array.from({ length: 2 * h * w }, (_, i) => {
    const c = Math.floor(i / (h * w));
    const p = i % (h * w);
    return (c + 1) * (0.5 * (p % w) - 0.25 * Math.floor(p / w)) + 3;
  });
  const rng = new Rng(4);
  const removed = Uint8Array.from({ length: h * w }, (_, p) => {
    const y = Math.floor(p / w);
    const x = p % w;
    return y > 0 && x > 0 && y < h - 1 && x < w - 1 && rng.bool(0.7) ? 1 : 0;
  });
  assert.ok(removed.reduce((a, b) => a + b, 0) >= 8, 'several interior pixels removed');
  const out = noisyLinearImpute(Float32Array.from(ramp).map((v, i) => (removed[i % (h * w)] ? 0 : v)), 2, h, w, removed);
  out.forEach((v, i) => assert.ok(Math.abs(v - ramp[i]) < 1e-4, `pixel ${i}: ${v} vs ${ramp[i]}`));
  const n1 = noisyLinearImpute(ramp, 2, h, w, removed, 0.1, new Rng(1));
  const n2 = noisyLinearImpute(ramp, 2, h, w, removed, 0.1, new Rng(1));
  assert.deepEqual(Array.from(n1), Array.from(n2));
  assert.ok(n1.some((v, i) => Math.abs(v - ramp[i]) > 1e-3), 'noise is added');
  assert.throws(() => noisyLinearImpute(ramp, 2, h, w, new Uint8Array(h * w).fill(1)), /percentiles: cannot impute an image with every pixel removed/);
});

test('ROAD: removing the pixels the class depends on first lowers MoRF and widens the gap', () => {
  // logit 0 = 2·(sum of the bright top-left 2×2 patch of a 6×6 image), logit 1 = 0
  const s = [0, 1, 6, 7];
  const net = new Sequential(new Flatten(), new Linear(36, 2));
  net.loadStateDict(new Map([['1.weight', tensor([Array.from({ length: 36 }, (_, p) => (s.includes(p) ? 2 : 0)), Array(36).fill(0)])], ['1.bias', tensor([-4, 0])]]));
  const x = tensor(Array.from({ length: 36 }, (_, p) => (s.includes(p) ? 1 : 0)), { shape: [1, 1, 6, 6] });
  const right = tensor(Array.from({ length: 36 }, (_, p) => (s.includes(p) ? 1 : 0.5 - p / 100)), { shape: [1, 6, 6] });
  const reversed = tensor(Array.from({ length: 36 }, (_, p) => (s.includes(p) ? 0 : 0.5 + p / 100)), { shape: [1, 6, 6] });
  const before = liveTensors();
  const [good] = road(net, x, right, [0], { noise: 0 });
  const [bad] = road(net, x, reversed, [0], { noise: 0 });
  assert.equal(liveTensors(), before);
  assert.equal(good.morf.length, 9);
  // p = σ(2·sum − 4): the intact patch gives σ(4) = 0.982; MoRF at 10 % (4 of 36 pixels) removes the
  // patch, which is filled from its dark surroundings, so the probability falls below σ(−1)
  assert.ok(good.morf[0] < 0.3, `good MoRF at 10 %: ${good.morf[0]}`);
  assert.ok(Math.abs(bad.morf[0] - 1 / (1 + Math.exp(-4))) < 1e-5, `reversed map leaves the patch at 10 %: ${bad.morf[0]}`);
  assert.ok(good.gap > bad.gap + 0.3, `gap ${good.gap} vs ${bad.gap}`);
  for (const t of [x, right, reversed]) t.dispose();
  net.dispose();
});
