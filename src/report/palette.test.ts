// ΔE*ab comes from color.ts, whose sRGB → CIELAB conversion is pinned to known answers in color.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaE } from './color.js';
import { PALETTE, PALETTE_HEX, PALETTE_SIZE, labelColor, minPairwiseDistance } from './palette.js';

test('palette colours stay distinct over the first 100 labels (min ΔE*ab > 15)', () => {
  const d = minPairwiseDistance(100);
  assert.ok(d > 15, `min pairwise ΔE over 100 labels is ${d.toFixed(2)}`);
});

test('the first 8 colours (series colours) are far apart (min ΔE*ab > 20)', () => {
  assert.ok(minPairwiseDistance(8) > 20);
});

test('palette colours avoid black and white (ΔE*ab > 10 from both)', () => {
  for (const c of PALETTE.slice(0, 100)) {
    assert.ok(deltaE(c, [0, 0, 0]) > 10 && deltaE(c, [255, 255, 255]) > 10, `colour ${c} too close to black/white`);
  }
});

test('palette is fixed: same colours every build, hex form agrees, labelColor cycles', () => {
  assert.equal(PALETTE.length, PALETTE_SIZE);
  assert.equal(PALETTE_HEX[0], '#0072b2');
  assert.equal(new Set(PALETTE_HEX).size, PALETTE_SIZE);
  assert.deepEqual(labelColor(PALETTE_SIZE + 3), PALETTE[3]);
  assert.deepEqual(labelColor(-1), PALETTE[PALETTE_SIZE - 1]);
});
