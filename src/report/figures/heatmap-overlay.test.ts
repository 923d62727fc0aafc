import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blendHeatmap, heatmapOverlayRaster } from './heatmap-overlay.js';

const grey = (v: number[]) => ({ width: v.length, height: 1, channels: 1, data: Uint8Array.from(v) });

test('blend = (1 − α)·grey + α·jet(heat), heat normalised to its range', () => {
  // pixel 0: grey 100, heat low → jet(0) = (0,0,128): 0.5·100 + 0.5·(0,0,128) = (50, 50, 114)
  // pixel 1: grey 200, heat high → jet(1) = (128,0,0): (164, 100, 100)
  const out = blendHeatmap(grey([100, 200]), { width: 2, height: 1, channels: 1, data: Float32Array.from([3, 7]) }, { alpha: 0.5 });
  assert.deepEqual([...out], [50, 50, 114, 255, 164, 100, 100, 255]);
});

test('a coarse heat map is resized to the image; alpha 0 leaves the grey image', () => {
  const img = grey([10, 20, 30, 40]);
  const r = heatmapOverlayRaster(img, { width: 1, height: 1, channels: 1, data: Float32Array.from([1]) }, { alpha: 0 });
  assert.deepEqual([...r.data], [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]);
});

test('bad input: multi-channel heat, alpha out of range', () => {
  assert.throws(() => blendHeatmap(grey([1]), { width: 1, height: 1, channels: 3, data: new Float32Array(3) }), /heat: must have 1 channel/);
  assert.throws(() => blendHeatmap(grey([1]), grey([1]), { alpha: 2 }), /alpha/);
});
