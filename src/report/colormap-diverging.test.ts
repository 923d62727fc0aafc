import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diverging, divergingRaster } from './colormap-diverging.js';

test('diverging: ends and middle are the RdBu colours, halfway is the midpoint', () => {
  assert.deepEqual(diverging(-1), [33, 102, 172]);
  assert.deepEqual(diverging(0), [247, 247, 247]);
  assert.deepEqual(diverging(1), [178, 24, 43]);
  assert.deepEqual(diverging(5), [178, 24, 43], 'clamped');
  // halfway to red: 247 + (178 − 247)/2 = 212.5 → 213, (247+24)/2 = 135.5 → 136, (247+43)/2 = 145
  assert.deepEqual(diverging(0.5), [213, 136, 145]);
});

test('divergingRaster scales by the largest |value| unless a limit is given', () => {
  const r = divergingRaster([-2, 0, 1], 3, 1);
  assert.deepEqual(Array.from(r.data), [33, 102, 172, 247, 247, 247, 213, 136, 145]);
  assert.deepEqual(Array.from(divergingRaster([1], 1, 1, 4).data), Array.from(diverging(0.25)));
  assert.throws(() => divergingRaster([1, 2], 3, 1), /values/);
});
