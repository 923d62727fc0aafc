// The metric trainer's levers on hand cases: cosine learning-rate factors, the margin warm-up
// (its fraction per epoch and what a fraction does to the target cosine), the seeded tile
// augmentation (same seed = same tiles; flips/turns only permute pixels; jitter does not), and
// global average pooling in the mini-VGG backbone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, tensor, tidy } from '../../engine/index.js';
import { Rng } from '../../data/index.js';
import { ArcFaceHead, CosFaceHead } from './heads/index.js';
import { MetricNet } from './metric-net.js';
import { lrFactor, marginFraction, tileBatch } from './trainer.js';
import type { TileSet } from './tile-data.js';

test('cosine lr factor over 4 epochs: (1 + cos(π e / 4)) / 2 = 1, 0.8536, 0.5, 0.1464; constant = 1', () => {
  const want = [1, (1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2];
  want.forEach((w, e) => assert.ok(Math.abs(lrFactor('cosine', e, 4) - w) < 1e-12, `epoch ${e}: ${lrFactor('cosine', e, 4)} vs ${w}`));
  assert.equal(lrFactor('constant', 3, 4), 1);
  assert.equal(lrFactor(undefined, 3, 4), 1);
  assert.throws(() => lrFactor('step' as 'cosine', 0, 4), /unknown lrSchedule 'step'/);
});

test('margin warm-up of 4 epochs: fractions 0, 0.25, 0.5, 0.75, 1, 1; none = 1 from epoch 0', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((e) => marginFraction(e, 4)), [0, 0.25, 0.5, 0.75, 1, 1]);
  assert.equal(marginFraction(0, 0), 1);
});

test('margin fraction: 0 gives the plain scaled cosine, 1/2 the midpoint of cos θ and the margin cosine', () => {
  // embeddings at known angles to W = I (2 classes, 2-d): row 0 at 0 rad, row 1 at π/3 from class 0
  const s = 10;
  for (const [head, marginCos] of [
    [new ArcFaceHead({ embeddingSize: 2, numClasses: 2, scale: s, margin: 0.5 }), (t: number) => Math.cos(t + 0.5)],
    [new CosFaceHead({ embeddingSize: 2, numClasses: 2, scale: s, margin: 0.35 }), (t: number) => Math.cos(t) - 0.35],
  ] as const) {
    head.loadStateDict(new Map([['weight', tensor([1, 0, 0, 1], { shape: [2, 2] })]]));
    tidy(() => {
      const emb = tensor([1, 0, Math.cos(Math.PI / 3), Math.sin(Math.PI / 3)], { shape: [2, 2] });
      const y = tensor([0, 0], { dtype: 'int64' });
      head.marginFraction = 0;
      const plain = head.trainingLogits(emb, y).data() as Float32Array;
      const logits = head.logits(emb).data() as Float32Array;
      plain.forEach((v, i) => assert.ok(Math.abs(v - logits[i]) < 1e-5, `${head.name} f=0 logit ${i}: ${v} vs ${logits[i]}`));
      head.marginFraction = 0.5;
      const half = head.trainingLogits(emb, y).data() as Float32Array;
      for (const [row, theta] of [[0, 0], [1, Math.PI / 3]]) {
        const want = s * (Math.cos(theta) + 0.5 * (marginCos(theta) - Math.cos(theta)));
        assert.ok(Math.abs(half[row * 2] - want) < 1e-4, `${head.name} f=1/2 target logit row ${row}: ${half[row * 2]} vs ${want}`);
        assert.ok(Math.abs(half[row * 2 + 1] - logits[row * 2 + 1]) < 1e-5, `${head.name}: the non-target logit keeps no margin`);
      }
      head.marginFraction = 1;
      const full = head.trainingLogits(emb, y).data() as Float32Array;
      assert.ok(Math.abs(full[2] - s * marginCos(Math.PI / 3)) < 1e-4, `${head.name} f=1: ${full[2]} vs ${s * marginCos(Math.PI / 3)}`);
    });
    head.dispose();
  }
});

/** Two 8×8 tiles with distinct pixel values (a ramp and its reverse). */
function tiles(): TileSet {
  const t = 8;
  const data = new Float32Array(2 * t * t);
  for (let p = 0; p < t * t; p++) {
    data[p] = p / (t * t);
    data[t * t + p] = 1 - p / (t * t);
  }
  return { data, size: t, count: 2, source: Int32Array.from([0, 1]), labels: Int32Array.from([0, 1]), tiles: [], images: [], imageSizes: [] };
}

const sorted = (a: Float32Array): number[] => Array.from(a).sort((x, y) => x - y);

test('augmentation: the same seed gives the same tiles; flips/turns only permute pixels, jitter and zoom change them', () => {
  const set = tiles();
  const batch = (o: object, seed: number): Float32Array => tidy(() => tileBatch(set, [0, 1, 0, 1], o, (k) => Rng.derive(seed, 0, k)).data() as Float32Array).slice();
  for (const o of [{}, { jitter: 0.2 }, { jitter: 0.2, scaleJitter: 0.3 }]) {
    assert.deepEqual(batch(o, 5), batch(o, 5), `${JSON.stringify(o)}: seed 5 twice`);
    assert.notDeepEqual(batch(o, 5), batch(o, 6), `${JSON.stringify(o)}: seeds 5 and 6 draw other tiles`);
  }
  const n = 64;
  const src = sorted(set.data.subarray(0, n));
  // flips and quarter turns: each augmented tile holds exactly the pixel values of its source
  for (let seed = 0; seed < 8; seed++) {
    const b = batch({}, seed);
    for (let k = 0; k < 4; k++) assert.deepEqual(sorted(b.subarray(k * n, (k + 1) * n)), k % 2 === 0 ? src : sorted(set.data.subarray(n, 2 * n)));
  }
  // jitter (p = 0.5 per tile) changes the values of some of 32 tiles (8 seeds × 4), and keeps others
  let changed = 0;
  for (let seed = 0; seed < 8; seed++) {
    const b = batch({ jitter: 0.2 }, seed);
    for (let k = 0; k < 4; k++) {
      const want = k % 2 === 0 ? src : sorted(set.data.subarray(n, 2 * n));
      const got = sorted(b.subarray(k * n, (k + 1) * n));
      if (got.some((v, i) => Math.abs(v - want[i]) > 1e-6)) changed++;
    }
  }
  assert.ok(changed > 4 && changed < 28, `jitter changed ${changed} of 32 tiles (expected about half)`);
});

test("pool 'gap': mini-VGG features are the spatial mean of its last feature map, 4·width of them", () => {
  manualSeed(1);
  const net = new MetricNet({ backbone: 'minivgg', width: 4, inputSize: 16, embeddingSize: 8, head: 'softmax', numClasses: 3, pool: 'gap' });
  const flat = new MetricNet({ backbone: 'minivgg', width: 4, inputSize: 16, embeddingSize: 8, head: 'softmax', numClasses: 3 });
  assert.equal(net.backbone.featureSize, 16);
  assert.equal(flat.backbone.featureSize, 16 * 2 * 2);
  net.eval();
  tidy(() => {
    const x = randn([3, 1, 16, 16]);
    const f = net.backbone.features(x);
    assert.deepEqual(f.shape, [3, 16]);
    const map = (net.backbone as unknown as { net: { features: { forward(t: typeof x): typeof x } } }).net.features.forward(x); // [3,16,2,2]
    const m = map.data() as Float32Array;
    const got = f.data() as Float32Array;
    for (let i = 0; i < 3; i++) {
      for (let c = 0; c < 16; c++) {
        const base = (i * 16 + c) * 4;
        const want = (m[base] + m[base + 1] + m[base + 2] + m[base + 3]) / 4;
        assert.ok(Math.abs(got[i * 16 + c] - want) < 1e-5, `tile ${i} channel ${c}: ${got[i * 16 + c]} vs ${want}`);
      }
    }
  });
  assert.throws(() => new MetricNet({ backbone: 'minivgg', width: 4, inputSize: 16, embeddingSize: 8, head: 'softmax', numClasses: 3, pool: 'max' as 'gap' }), /unknown pool 'max'/);
  net.dispose();
  flat.dispose();
});
