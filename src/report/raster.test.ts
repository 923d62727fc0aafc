import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRaster, intensityRange, resizeBilinear, toGrey, toRgba8 } from './raster.js';

test('checkRaster rejects a data length that does not match the size', () => {
  assert.throws(() => checkRaster({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) }, 'image'), /image: data holds 3 values, expected 2×2×1 = 4/);
  assert.throws(() => checkRaster({ width: 2, height: 2, channels: 5, data: new Uint8Array(20) }, 'image'), /channels must be 1..4/);
  assert.throws(() => checkRaster(undefined as never, 'image'), /image size/);
});

test('toGrey reads hwc and chw layouts alike (Rec. 601 weights)', () => {
  // pixel 0 = pure red, pixel 1 = pure white: grey = 0.299·255 = 76.245 and 255
  const hwc = { width: 2, height: 1, channels: 3, data: new Uint8Array([255, 0, 0, 255, 255, 255]) };
  const chw = { width: 2, height: 1, channels: 3, layout: 'chw' as const, data: new Uint8Array([255, 255, 0, 255, 0, 255]) };
  assert.deepEqual([...toGrey(hwc)].map((v) => +v.toFixed(3)), [76.245, 255]);
  assert.deepEqual([...toGrey(chw)], [...toGrey(hwc)]);
});

test('float images scale from their own min..max; 8-bit from 0..255', () => {
  const f = { width: 3, height: 1, channels: 1, data: new Float32Array([-1, 0, 1]) };
  assert.deepEqual(intensityRange(f), [-1, 1]);
  assert.deepEqual([...toRgba8(f)], [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
  assert.deepEqual(intensityRange({ width: 1, height: 1, channels: 1, data: new Uint8Array([7]) }), [0, 255]);
  assert.deepEqual(intensityRange({ width: 1, height: 1, channels: 1, data: new Float32Array([NaN]) }), [0, 1]);
});

test('resizeBilinear: 1×2 → 1×4 interpolates between pixel centres', () => {
  // output centres at source x = -0.25, 0.25, 0.75, 1.25 → clamped to 0, 0.25, 0.75, 1
  assert.deepEqual([...resizeBilinear([0, 4], 2, 1, 4, 1)], [0, 1, 3, 4]);
});
