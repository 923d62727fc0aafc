import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveTensors, manualSeed } from '../../engine/index.js';
import type { ImageSet } from '../../data/image-set.js';
import { MiniVgg } from '../../models/index.js';
import { OptionError } from '../../util/errors.js';
import { featureLayers, featureRows, layerFeatures, rawFeatures } from './features.js';

function set(n: number): ImageSet {
  const data = Float32Array.from({ length: n * 3 * 8 * 8 }, (_, i) => Math.sin(i * 0.37));
  return { classes: ['a', 'b'], channels: 3, size: 8, count: n, data, labels: Int32Array.from({ length: n }, (_, i) => i % 2), groups: Array(n).fill('g'), sources: Array.from({ length: n }, () => ({ path: 'x' })) };
}

test('layerFeatures: embedding and trunk layers, gap = channel means of flatten, batch size does not matter', () => {
  manualSeed(0);
  // trunk: conv, relu, conv, relu, pool (block 1: 4 ch, 8 -> 4 px), conv, relu, conv, relu, pool (8 ch, 4 -> 2 px)
  const net = new MiniVgg({ inChannels: 3, inputSize: 8, widths: [4, 8], denseWidth: 16, numClasses: 2, dropout: 0.5 });
  const s = set(5);
  const before = liveTensors();
  const layers = featureLayers(net);
  assert.equal(layers[0], 'embed');
  assert.equal(layers.length, 1 + net.features.length);
  const embed = layerFeatures(net, s, 'embed', 'gap', { batchSize: 2 });
  assert.deepEqual([embed.rows, embed.cols], [5, 16]);
  assert.ok(embed.data.every((v) => v >= 0 && Number.isFinite(v)), 'after ReLU, no dropout in eval');
  const whole = layerFeatures(net, s, 'embed', 'flatten', { batchSize: 64 });
  assert.ok(whole.data.every((v, i) => Math.abs(v - embed.data[i]) < 1e-5), 'embed is a vector: pooling is moot; batches agree to float rounding');
  const last = `features.${net.features.length - 1}`;
  const flat = layerFeatures(net, s, last, 'flatten');
  const gap = layerFeatures(net, s, last, 'gap');
  assert.deepEqual([flat.cols, gap.cols], [8 * 2 * 2, 8]);
  for (let i = 0; i < 5; i++) for (let c = 0; c < 8; c++) {
    let m = 0;
    for (let p = 0; p < 4; p++) m += flat.data[i * 32 + c * 4 + p] / 4;
    assert.ok(Math.abs(gap.data[i * 8 + c] - m) < 1e-6);
  }
  // normalisation is applied: features of (x - 1) / 2 equal those of a set holding (x - 1) / 2
  const shifted = { ...s, data: s.data.map((v) => (v - 1) / 2) };
  const a = layerFeatures(net, s, 'features.0', 'gap', { norm: { mean: 1, std: 2 } }).data;
  const b = layerFeatures(net, shifted, 'features.0', 'gap').data;
  assert.ok(a.every((v, i) => Math.abs(v - b[i]) < 1e-5));
  assert.equal(liveTensors(), before, 'no tensors left behind');
  assert.ok(net.training, 'training mode restored');
  assert.throws(() => layerFeatures(net, s, 'features.99', 'gap'), (e: Error) => e instanceof OptionError && /unknown layer 'features.99'/.test(e.message) && !e.message.includes('\n'));
  assert.throws(() => layerFeatures(net, s, 'embed', 'max' as never), OptionError);
  net.dispose();
});

test('rawFeatures and featureRows', () => {
  const s = set(3);
  const r = rawFeatures(s);
  assert.deepEqual([r.rows, r.cols], [3, 192]);
  const sub = featureRows(r, [2, 0]);
  assert.deepEqual([sub.rows, sub.cols], [2, 192]);
  assert.deepEqual(Array.from(sub.data.subarray(0, 192)), Array.from(s.data.subarray(384, 576)));
  assert.deepEqual(Array.from(sub.data.subarray(192)), Array.from(s.data.subarray(0, 192)));
});
