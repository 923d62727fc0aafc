import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankLabelMap, gridLabelMap } from './negative-controls.js';

test('gridLabelMap: 6x4 with 6 segments is 3 columns x 2 rows of 2x2 cells (known answer)', () => {
  // cols = round(sqrt(6 * 6 / 4)) = 3, rows = round(6 / 3) = 2
  const g = gridLabelMap(6, 4, 6);
  assert.equal(g.count, 6);
  assert.deepEqual([...g.data], [
    0, 0, 1, 1, 2, 2,
    0, 0, 1, 1, 2, 2,
    3, 3, 4, 4, 5, 5,
    3, 3, 4, 4, 5, 5,
  ]);
});

test('gridLabelMap: the count is near the request, cells near-square, capped by the pixel count', () => {
  for (const n of [1, 7, 30, 191, 2218]) {
    const g = gridLabelMap(321, 481, n);
    assert.equal(new Set(g.data).size, g.count);
    assert.ok(Math.abs(g.count - n) <= Math.max(1, 0.1 * n), `${n} requested, ${g.count} cells`);
  }
  assert.equal(gridLabelMap(3, 2, 100).count, 6);
  assert.equal(blankLabelMap(3, 2).count, 1);
  assert.deepEqual([...blankLabelMap(3, 2).data], [0, 0, 0, 0, 0, 0]);
  assert.throws(() => gridLabelMap(3, 2, 0), RangeError);
});

test('gridLabelMap: a half-cell phase shifts the lines by one pixel on 2-pixel cells (known answer)', () => {
  // 6x4, 3x2 cells of 2x2; phase x 0.5: column of x = floor(x / 2 + 0.5) → 0, 1, 1, 2, 2, 3
  const g = gridLabelMap(6, 4, 6, { x: 0.5 });
  assert.equal(g.count, 8);
  assert.deepEqual([...g.data.subarray(0, 6)], [0, 1, 1, 2, 2, 3]);
  assert.deepEqual([...g.data.subarray(12, 18)], [4, 5, 5, 6, 6, 7]);
  assert.throws(() => gridLabelMap(6, 4, 6, { y: 1 }), RangeError);
});
