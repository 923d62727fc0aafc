import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intensityStats, minMaxScale, perChannel, percentileScale, percentiles, zScore } from './normalize.js';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-6): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `[${i}] ${a[i]} vs ${b[i]}`);
};

test('intensityStats: population std; ignoreZeros', () => {
  const s = intensityStats(Float32Array.of(1, 2, 3, 4, 5));
  // mean 3, variance (4+1+0+1+4)/5 = 2
  assert.deepEqual([s.mean, s.min, s.max, s.count], [3, 1, 5, 5]);
  assert.ok(Math.abs(s.std - Math.SQRT2) < 1e-12);
  assert.equal(intensityStats(Float32Array.of(0, 0, 2, 4), { ignoreZeros: true }).mean, 3);
});

test('zScore per image and with given statistics; constant input gives zeros', () => {
  close(zScore(Float32Array.of(1, 2, 3, 4, 5)), [-2, -1, 0, 1, 2].map((v) => v / Math.SQRT2));
  close(zScore(Float32Array.of(1, 3), { mean: 1, std: 2 }), [0, 1]);
  close(zScore(Float32Array.of(7, 7, 7)), [0, 0, 0]);
  // statistics of the non-zero values (2 and 4: mean 3, std 1); the zero is transformed too
  close(zScore(Float32Array.of(0, 2, 4), { ignoreZeros: true }), [-3, -1, 1]);
});

test('percentiles interpolate like numpy; percentileScale clips then scales', () => {
  // np.percentile([1,2,3,4,5], [0, 10, 25, 100]) = [1, 1.4, 2, 5]
  close(percentiles(Float32Array.of(5, 1, 4, 2, 3), [0, 10, 25, 100]), [1, 1.4, 2, 5], 1e-6);
  // 0..100: 10th and 90th percentiles are 10 and 90
  const ramp = Float32Array.from({ length: 101 }, (_, i) => i);
  const s = percentileScale(ramp, { low: 10, high: 90 });
  close([s[0], s[10], s[50], s[90], s[100]], [0, 0, 0.5, 1, 1]);
  close(percentileScale(Float32Array.of(-5, 0, 5, 20), { range: [0, 10] }), [0, 0, 0.5, 1]);
  assert.throws(() => percentileScale(ramp, { low: 50, high: 50 }), /low/);
});

test('minMaxScale, with given bounds and clipping', () => {
  close(minMaxScale(Float32Array.of(2, 4, 6)), [0, 0.5, 1]);
  close(minMaxScale(Float32Array.of(2, 4, 12), { min: 2, max: 10 }), [0, 0.25, 1.25]);
  close(minMaxScale(Float32Array.of(2, 4, 12), { min: 2, max: 10, clip: true }), [0, 0.25, 1]);
  close(minMaxScale(Float32Array.of(3, 3)), [0, 0]);
});

test('perChannel normalises each channel with its own statistics', () => {
  const img = { data: Float32Array.of(0, 10, 100, 300), channels: 2, height: 1, width: 2 };
  close(perChannel(img, (p) => minMaxScale(p)).data, [0, 1, 0, 1]);
});
