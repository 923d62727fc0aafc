import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PALETTE } from '../palette.js';
import { blendLabels, labelMap, labelMapColor } from './label-map.js';

test('label 0 is background; label k gets palette colour k − 1; alpha blends over the image', () => {
  const labels = { width: 3, height: 1, channels: 1, data: Uint8Array.from([0, 1, 2]) };
  const out = blendLabels(labels, undefined);
  assert.deepEqual([...out.subarray(0, 4)], [0, 0, 0, 255]);
  assert.deepEqual([...out.subarray(4, 7)], [...PALETTE[0]]);
  assert.deepEqual(labelMapColor(2), [...PALETTE[1]]);
  const image = { width: 3, height: 1, channels: 1, data: Uint8Array.from([200, 200, 200]) };
  const half = blendLabels(labels, image, { alpha: 0.5 });
  assert.deepEqual([...half.subarray(0, 3)], [200, 200, 200]);
  assert.deepEqual([...half.subarray(4, 7)], PALETTE[0].map((c) => Math.round(0.5 * 200 + 0.5 * c)));
});

test('instance maps with hundreds of labels (Int32) render; legend lists only named labels present', async () => {
  const data = Int32Array.from({ length: 30 * 20 }, (_, p) => p % 300);
  const svg = await labelMap.render({ labels: { width: 30, height: 20, channels: 1, data }, names: { 1: 'first', 999: 'absent' } });
  assert.ok(svg.includes('>first</text>'));
  assert.ok(!svg.includes('absent'));
});

test('size mismatch between labels and image is a clear error', () => {
  const labels = { width: 2, height: 1, channels: 1, data: new Uint8Array(2) };
  assert.throws(() => blendLabels(labels, { width: 3, height: 1, channels: 1, data: new Uint8Array(3) }), /image: size 3×1 differs from labels 2×1/);
});
