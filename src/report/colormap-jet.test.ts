import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jet, JET_LUT } from './colormap-jet.js';

test('jet known values: 0 → dark blue, 0.5 → light green, 1 → dark red', () => {
  // t=0:   r=1.5-3<0→0, g=1.5-2<0→0, b=1.5-1=0.5 → 128
  assert.deepEqual(jet(0), [0, 0, 128]);
  // t=0.5: r=1.5-1=0.5 → 128, g=1.5→1 → 255, b=0.5 → 128
  assert.deepEqual(jet(0.5), [128, 255, 128]);
  // t=1:   r=1.5-1=0.5 → 128, g<0, b<0
  assert.deepEqual(jet(1), [128, 0, 0]);
  // t=0.25: b=1.5-0=1.5→255, g=1.5-1=0.5→128, r=0
  assert.deepEqual(jet(0.25), [0, 128, 255]);
});

test('jet clamps out-of-range input and maps NaN to the low end', () => {
  assert.deepEqual(jet(-3), jet(0));
  assert.deepEqual(jet(7), jet(1));
  assert.deepEqual(jet(NaN), jet(0));
});

test('JET_LUT agrees with jet', () => {
  assert.deepEqual([...JET_LUT.subarray(0, 3)], [0, 0, 128]);
  assert.deepEqual([...JET_LUT.subarray(765, 768)], [128, 0, 0]);
});
