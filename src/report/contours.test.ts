import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contourLines, contourPath } from './contours.js';

test('a single inside pixel gives one closed diamond through the edge midpoints', () => {
  // pixel (0,0) inside, centre at (0.5, 0.5); crossings halfway to the padded outside neighbours
  const cs = contourLines([1], 1, 1, 0.5);
  assert.equal(cs.length, 1);
  assert.equal(cs[0].closed, true);
  const pts = cs[0].points.map(([x, y]) => `${x},${y}`).sort();
  assert.deepEqual(pts, ['0,0.5', '0.5,0', '0.5,1', '1,0.5']);
});

test('two separate blobs give two closed contours; a ring gives two (outer and hole)', () => {
  const w = 5;
  const blobs = [1, 0, 0, 0, 1];
  assert.equal(contourLines(blobs, w, 1).length, 2);
  // 3×3 ring with a hole in the middle
  const ring = [1, 1, 1, 1, 0, 1, 1, 1, 1];
  const cs = contourLines(ring, 3, 3);
  assert.equal(cs.length, 2);
  assert.ok(cs.every((c) => c.closed));
});

test('contours interpolate linearly along edges', () => {
  // values 0 and 1 on a 2×1 field at threshold 0.25: crossing at x = 0.5 + 0.25 = 0.75
  const cs = contourLines([0, 1], 2, 1, 0.25);
  const xs = cs[0].points.filter(([, y]) => y === 0.5).map(([x]) => x);
  assert.ok(xs.includes(0.75));
});

test('contourPath scales and closes paths', () => {
  assert.equal(contourPath([{ points: [[0, 0], [1, 0], [1, 1]], closed: true }], 2, 3, 10, 0), 'M10 0L12 0L12 3Z');
  assert.deepEqual(contourLines([0, 0, 0, 0], 2, 2), []);
});
