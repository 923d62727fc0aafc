import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../rng.js';
import { planes } from '../fixtures-support.js';
import { RandBrightnessContrast, RandGaussianNoise } from './intensity.js';

test('brightness/contrast about the mean: known answer; the mask is untouched', () => {
  const image = { data: Float32Array.of(0, 1, 2, 3), channels: 1, height: 2, width: 2 };
  const mask = { data: Float32Array.of(0, 1, 1, 0), channels: 1, height: 2, width: 2 };
  // mean 1.5: (v - 1.5) * 2 + 1.5 + 0.25
  const out = new RandBrightnessContrast().apply({ image, mask }, { brightness: 0.25, contrast: 2 });
  assert.deepEqual(Array.from(out.image.data), [-1.25, 0.75, 2.75, 4.75]);
  assert.equal(out.mask, mask);
  assert.deepEqual(new RandBrightnessContrast({ prob: 0 }).randomize(new Rng(0)), { brightness: 0, contrast: 1 });
});

test('Gaussian noise: deterministic from its parameters, right spread, zero std is a copy', () => {
  const image = planes(1, 100, 100, () => 0.5);
  const t = new RandGaussianNoise({ prob: 1, std: 0.1 });
  const p = t.randomize(new Rng(2));
  const a = t.apply({ image }, p).image.data;
  assert.deepEqual(a, t.apply({ image }, p).image.data);
  let s = 0;
  let s2 = 0;
  for (const v of a) {
    s += v - 0.5;
    s2 += (v - 0.5) ** 2;
  }
  // 10^4 samples: sd of the mean 0.001, of the variance estimate ~1.4e-4
  assert.ok(Math.abs(s / a.length) < 0.005);
  assert.ok(Math.abs(Math.sqrt(s2 / a.length) - 0.1) < 0.005);
  assert.deepEqual(t.apply({ image }, { std: 0, seed: 1 }).image.data, image.data);
});
