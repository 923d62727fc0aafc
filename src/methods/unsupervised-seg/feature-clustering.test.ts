// Differentiable feature clustering against PyTorch (same initial weights, the first iterations'
// losses and label counts), a hand-computed loss, early stopping and scribbles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor, tidy } from '../../engine/index.js';
import { UnsupSegNet } from '../../models/unsup-seg-net.js';
import { loadFixture } from '../../testing/fixtures.js';
import type { Tensor } from '../../engine/index.js';
import type { FloatPlanes } from '../../io/types.js';
import { featureClusteringLoss } from './feature-clustering-loss.js';
import { segmentByFeatureClustering } from './feature-clustering.js';

function fixtureCase(): { fx: Map<string, Tensor>; net: () => UnsupSegNet; image: FloatPlanes } {
  const fx = loadFixture('unsupervised-seg', 'feature-clustering.safetensors');
  const x = fx.get('input')!; // [1, 3, H, W]
  const [, c, h, w] = x.shape;
  const image = { channels: c, height: h, width: w, data: new Float32Array(x.data() as Float32Array) };
  const weights = new Map([...fx].filter(([k]) => k.startsWith('body.')));
  const net = (): UnsupSegNet => {
    const n = new UnsupSegNet({ inChannels: 3, channels: 16, nConv: 2 });
    n.loadStateDict(weights);
    return n;
  };
  return { fx, net, image };
}

const numbers = (t: Tensor): number[] => Array.from(t.data() as ArrayLike<number | bigint>, Number);

test('losses and label counts of the first 6 iterations agree with PyTorch (same initial weights)', () => {
  const { fx, net, image } = fixtureCase();
  const n = net();
  const r = segmentByFeatureClustering(image, { net: n, channels: 16, maxIterations: 6, minLabels: 1 });
  n.dispose();
  const want = numbers(fx.get('losses')!);
  assert.equal(r.iterations, 6);
  r.lossHistory.forEach((l, i) => assert.ok(Math.abs(l - want[i]) <= 1e-4 * (1 + Math.abs(want[i])), `iteration ${i + 1}: ${l} vs PyTorch ${want[i]}`));
  assert.deepEqual(r.labelCountHistory, numbers(fx.get('counts')!));
  const final = numbers(fx.get('final')!);
  const same = final.filter((v, i) => v === r.labels[i]).length;
  assert.ok(same >= final.length - 2, `final labels: ${same}/${final.length} equal to PyTorch's`);
  for (const t of fx.values()) t.dispose();
});

test('scribble losses agree with PyTorch (similarity on unscribbled pixels + 0.5 × scribble CE)', () => {
  const { fx, net, image } = fixtureCase();
  const s = fx.get('scribble')!;
  const scribble = { data: new Uint8Array(s.data() as Uint8Array), width: image.width, height: image.height };
  const n = net();
  // minLabels becomes the number of scribble classes (3); PyTorch ran all 6 iterations
  const r = segmentByFeatureClustering(image, { net: n, channels: 16, maxIterations: 6, scribble });
  n.dispose();
  const want = numbers(fx.get('scribble_losses')!);
  const counts = numbers(fx.get('scribble_counts')!);
  const stop = counts.findIndex((c) => c <= 3);
  assert.equal(r.iterations, stop < 0 ? 6 : stop + 1);
  r.lossHistory.forEach((l, i) => assert.ok(Math.abs(l - want[i]) <= 1e-4 * (1 + Math.abs(want[i])), `iteration ${i + 1}: ${l} vs PyTorch ${want[i]}`));
  for (const t of fx.values()) t.dispose();
});

test('loss on a 2×2, q = 2 response equals the hand computation', () => {
  // channel 0 all zero; channel 1 = [[0, 2], [2, 2]]. argmax: pixel (0,0) ties → 0, others → 1.
  // CE = (ln 2 + 3 ln(1 + e^-2)) / 4. |Δy| over [2 ch × 1 × 2] = (0+0+2+0)/4 = 0.5; |Δx| likewise 0.5.
  const want = (Math.log(2) + 3 * Math.log(1 + Math.exp(-2))) / 4 + 1;
  const got = tidy(() => featureClusteringLoss(tensor([0, 0, 0, 0, 0, 2, 2, 2], { shape: [1, 2, 2, 2] })).loss.item());
  assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);
  // μ_con = 0 leaves the cross-entropy alone
  const ce = tidy(() => featureClusteringLoss(tensor([0, 0, 0, 0, 0, 2, 2, 2], { shape: [1, 2, 2, 2] }), { muCon: 0 }).loss.item());
  assert.ok(Math.abs(ce - (want - 1)) < 1e-6);
});

test('stops as soon as the label count reaches minLabels; history has one entry per iteration', () => {
  const { image } = fixtureCase();
  const r = segmentByFeatureClustering(image, { channels: 16, maxIterations: 20, minLabels: 16 });
  assert.equal(r.iterations, 1);
  assert.ok(r.stoppedEarly);
  assert.equal(r.lossHistory.length, 1);
  assert.equal(r.labelCountHistory.length, 1);
  assert.equal(r.labels.length, image.width * image.height);
  const again = segmentByFeatureClustering(image, { channels: 16, maxIterations: 3, minLabels: 1 });
  const twice = segmentByFeatureClustering(image, { channels: 16, maxIterations: 3, minLabels: 1 });
  assert.deepEqual(again.lossHistory, twice.lossHistory, 'same seed, same run');
});

test('scribbled pixels end up in their scribble class', () => {
  const { image, fx } = fixtureCase();
  const s = fx.get('scribble')!;
  const scribble = { data: new Uint8Array(s.data() as Uint8Array), width: image.width, height: image.height };
  const r = segmentByFeatureClustering(image, { channels: 16, maxIterations: 60, minLabels: 1, scribble });
  let wrong = 0;
  let total = 0;
  scribble.data.forEach((v, i) => {
    if (v === 255) return;
    total++;
    if (r.labels[i] !== v) wrong++;
  });
  assert.ok(total > 0);
  assert.equal(wrong, 0, `${wrong}/${total} scribbled pixels outside their class after ${r.iterations} iterations`);
  assert.throws(() => segmentByFeatureClustering(image, { channels: 16, scribble: { ...scribble, width: 3 } }), /scribble: is 3x12 but the image is 16x12/);
  for (const t of fx.values()) t.dispose();
});
