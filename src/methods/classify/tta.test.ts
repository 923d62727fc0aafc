// Test-time augmentation of predictProbabilities: with tta 'flip' a probability is the mean of the
// softmax on the image and on its left-right mirror (hand-built networks with known answers, and a
// mini-VGG against a mirror made by hand in JS); a bad mode is a one-line error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, stack, type Tensor } from '../../engine/index.js';
import { Module } from '../../nn/index.js';
import { packImageSet, type ImageTensorLike } from '../../data/index.js';
import { buildBackbone } from './backbones.js';
import { predictProbabilities, type TtaMode } from './trainer.js';

/** logits [sum of the left half, sum of the right half] of a [B,C,S,S] input. */
class HalfSums extends Module {
  forward(x: Tensor): Tensor {
    const h = x.shape[3] / 2;
    return stack([x.narrow(3, 0, h).sum([1, 2, 3]), x.narrow(3, h, h).sum([1, 2, 3])], 1);
  }
}

/** logits [sum of column 0, 0]. */
class FirstColumn extends Module {
  forward(x: Tensor): Tensor {
    const a = x.narrow(3, 0, 1).sum([1, 2, 3]);
    return stack([a, a.mul(0)], 1);
  }
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const setOf = (images: ImageTensorLike[]) => packImageSet(['a', 'b'], images.map((image, i) => ({ image, label: 0, group: `g${i}`, source: { path: `x${i}` } })));
const img = (f: (y: number, x: number) => number, c = 1, s = 4): ImageTensorLike => {
  const data = new Float32Array(c * s * s);
  for (let k = 0; k < c; k++) for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) data[(k * s + y) * s + x] = f(y, x) + k;
  return { data, channels: c, height: s, width: s };
};

test('tta flip on hand-built networks: known probabilities', () => {
  // left half 1, right half 0 (4×4): L = 8, R = 0. Plain p(a) = σ(8); mirrored, σ(−8); mean = 0.5 exactly
  const set = setOf([img((_y, x) => (x < 2 ? 1 : 0))]);
  const half = new HalfSums() as Module & { forward(x: Tensor): Tensor };
  assert.ok(Math.abs(predictProbabilities(half, set)[0] - sigmoid(8)) < 1e-6);
  const p = predictProbabilities(half, set, { tta: 'flip' });
  assert.ok(Math.abs(p[0] - 0.5) < 1e-6 && Math.abs(p[1] - 0.5) < 1e-6, `got ${p[0]}, ${p[1]}`);
  // column 0 sums to 4·0.25 = 1, column 3 to 4·(−0.5) = −2: p(a) = (σ(1) + σ(−2)) / 2 = (0.731059 + 0.119203) / 2 = 0.425131
  const cols = setOf([img((_y, x) => (x === 0 ? 0.25 : x === 3 ? -0.5 : 3))]);
  const first = new FirstColumn() as Module & { forward(x: Tensor): Tensor };
  assert.ok(Math.abs(predictProbabilities(first, cols)[0] - sigmoid(1)) < 1e-6);
  assert.ok(Math.abs(predictProbabilities(first, cols, { tta: 'flip' })[0] - 0.425131) < 1e-6);
  // pixel normalisation (v − 1) / 2 first: column 0 sums to 4·(0.25 − 1)/2 = −1.5, column 3 to 4·(−0.5 − 1)/2 = −3
  const normed = predictProbabilities(first, cols, { tta: 'flip', norm: { mean: 1, std: 2 } })[0];
  assert.ok(Math.abs(normed - (sigmoid(-1.5) + sigmoid(-3)) / 2) < 1e-6, `got ${normed}`);
  assert.throws(() => predictProbabilities(half, set, { tta: 'rot90' as TtaMode }), /^OptionError: --tta: must be one of none, flip, got 'rot90'$/);
});

test('tta flip on a 3-channel mini-VGG equals the mean over the image and a mirror made by hand', () => {
  manualSeed(3);
  const net = buildBackbone({ backbone: 'minivgg', inChannels: 3, inputSize: 8, numClasses: 2, width: 4 });
  const images = [0, 1, 2, 3, 4].map((s) => img((y, x) => 10 * Math.sin(1.3 * x + 0.7 * y + s) + x * x, 3, 8));
  const mirror = (m: ImageTensorLike): ImageTensorLike => {
    const d = new Float32Array(m.data.length);
    for (let k = 0; k < 3; k++) for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) d[(k * 8 + y) * 8 + x] = m.data[(k * 8 + y) * 8 + 7 - x];
    return { ...m, data: d };
  };
  const norm = { mean: 0.2, std: 0.9 };
  const plain = predictProbabilities(net, setOf(images), { norm });
  const mirrored = predictProbabilities(net, setOf(images.map(mirror)), { norm });
  const tta = predictProbabilities(net, setOf(images), { norm, tta: 'flip' }, 2); // batches of 2: the last batch is 1 image
  let moved = 0;
  for (let i = 0; i < tta.length; i++) {
    assert.ok(Math.abs(tta[i] - (plain[i] + mirrored[i]) / 2) < 1e-5, `entry ${i}: ${tta[i]} vs ${(plain[i] + mirrored[i]) / 2}`);
    moved = Math.max(moved, Math.abs(plain[i] - mirrored[i]));
  }
  assert.ok(moved > 100 * 1e-5, `the images are not symmetric, so the mirror must change the output (max change ${moved})`);
  net.dispose();
});
