// Deletion / insertion curves on a network whose class probability is known in closed form, the
// baselines, and the area rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, tidy, liveTensors, ones, type Tensor } from '../../engine/index.js';
import { Sequential, Flatten, Linear } from '../../nn/index.js';
import { deletionInsertion, faithfulnessBaseline, saliencyRank, trapezoidAuc } from './faithfulness.js';

/**
 * Flatten + Linear(16 → 2): logit 0 = sum of the top-left 2×2 pixels (0, 1, 4, 5), logit 1 = 0, so
 * p(class 0) = σ(sum). On an all-ones 4×4 image with baseline 0 and steps of 25 % (4 pixels):
 *   right map (those 4 first): deletion p = [σ4, ½, ½, ½, ½], insertion p = [½, σ4, σ4, σ4, σ4];
 *   reversed map (those 4 last): deletion [σ4, σ4, σ4, σ4, ½], insertion [½, ½, ½, ½, σ4].
 * AUC (trapezoid, Δ = ¼): ¼·((σ4 + ½)/2 + 3·½) = 0.560252 and ¼·((σ4 + ½)/2 + 3·σ4) = 0.921762,
 * with σ4 = 1/(1 + e⁻⁴) = 0.982014.
 */
function probeNet(): Sequential {
  const net = new Sequential(new Flatten(), new Linear(16, 2));
  const w0 = Array.from({ length: 16 }, (_, p) => ([0, 1, 4, 5].includes(p) ? 1 : 0));
  net.loadStateDict(new Map([['1.weight', tensor([w0, Array(16).fill(0)])], ['1.bias', tensor([0, 0])]]));
  return net;
}

const S4 = 1 / (1 + Math.exp(-4));
const LOW = 0.25 * ((S4 + 0.5) / 2 + 1.5);
const HIGH = 0.25 * ((S4 + 0.5) / 2 + 3 * S4);

function close(a: readonly number[], b: readonly number[], what: string): void {
  assert.equal(a.length, b.length, what);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `${what}[${i}]: ${v} vs ${b[i]}`));
}

test('deletion and insertion on a closed-form network: the right map beats the reversed one by the worked-out areas', () => {
  const net = probeNet();
  const x = ones([1, 1, 4, 4]);
  const right = tensor([[[4, 3, 0, 0], [2, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]]).div(4); // the 4 pixels first
  const reversed = ones([1, 4, 4]).sub(right);
  const before = liveTensors();
  const [good] = deletionInsertion(net, x, right, [0], { step: 0.25, baseline: 'zero' });
  const [bad] = deletionInsertion(net, x, reversed, [0], { step: 0.25, baseline: 'zero' });
  assert.equal(liveTensors(), before, 'no tensor leaks');
  close(good.fractions, [0, 0.25, 0.5, 0.75, 1], 'fractions');
  close(good.deletion, [S4, 0.5, 0.5, 0.5, 0.5], 'deletion, right map');
  close(good.insertion, [0.5, S4, S4, S4, S4], 'insertion, right map');
  close(bad.deletion, [S4, S4, S4, S4, 0.5], 'deletion, reversed map');
  close(bad.insertion, [0.5, 0.5, 0.5, 0.5, S4], 'insertion, reversed map');
  close([good.deletionAuc, good.insertionAuc, bad.deletionAuc, bad.insertionAuc], [LOW, HIGH, HIGH, LOW], 'AUCs');
  for (const t of [x, right, reversed]) t.dispose();
  net.dispose();
});

test('default 5 % steps give 21 points; ties in the map go to the lower pixel index', () => {
  assert.deepEqual(Array.from(saliencyRank([0.5, 1, 0.5, 0])), [1, 0, 2, 3]);
  const net = new Sequential(new Flatten(), new Linear(100, 3));
  const x = ones([2, 1, 10, 10]);
  const maps = tidy(() => tensor(Array.from({ length: 200 }, (_, i) => (i * 37) % 101), { shape: [2, 10, 10] }));
  const curves = deletionInsertion(net, x, maps, [0, 2], { baseline: 'mean' });
  assert.equal(curves.length, 2);
  close(curves[0].fractions, Array.from({ length: 21 }, (_, j) => j / 20), 'fractions');
  for (const c of curves) {
    assert.ok(c.deletion.every((p) => p > 0 && p < 1) && c.insertion.length === 21);
    // the mean of an all-ones image is the image: nothing changes along either curve
    assert.ok(Math.max(...c.deletion) - Math.min(...c.deletion) < 1e-6);
    assert.ok(Math.abs(c.deletion[0] - c.insertion[20]) < 1e-6, 'deletion starts and insertion ends at the image');
  }
  for (const t of [x, maps]) t.dispose();
  net.dispose();
});

test('baselines: zero, per-channel mean, and a Gaussian blur with replicated borders', () => {
  tidy(() => {
    const row = [0, 0, 0, 9, 0, 0, 1, 1];
    const x = tensor([[row, row.map((v) => 2 * v)]]).unsqueeze(2); // [1,2,1,8]
    assert.deepEqual(Array.from(faithfulnessBaseline(x, 'zero').data() as Float32Array), Array(16).fill(0));
    const mean = faithfulnessBaseline(x, 'mean').data() as Float32Array;
    close(Array.from(mean), [...Array(8).fill(11 / 8), ...Array(8).fill(22 / 8)], 'mean');
    // direct sum: out[i] = Σ_t g[t]·row[clamp(i + t − r)], g ∝ exp(−t²/2σ²), σ = 1, r = 3
    const g = [-3, -2, -1, 0, 1, 2, 3].map((t) => Math.exp(-(t * t) / 2));
    const gs = g.reduce((a, b) => a + b, 0);
    const expected = row.map((_, i) => g.reduce((a, gt, t) => a + (gt / gs) * row[Math.min(7, Math.max(0, i + t - 3))], 0));
    const blur = faithfulnessBaseline(x, 'blur', 1).data() as Float32Array;
    close(Array.from(blur.slice(0, 8)), expected, 'blur channel 0');
    close(Array.from(blur.slice(8)), expected.map((v) => 2 * v), 'blur channel 1');
    const flat = faithfulnessBaseline(ones([1, 1, 5, 5]).mul(3), 'blur', 5).data() as Float32Array;
    assert.ok(flat.every((v) => Math.abs(v - 3) < 1e-5), 'a constant image blurs to itself');
  });
  assert.equal(trapezoidAuc([0, 0.5, 1], [1, 1, 0]), 0.75);
});

test('faithfulness: bad options and shapes give one-line errors', () => {
  const net = probeNet();
  const x = ones([1, 1, 4, 4]);
  const m = ones([1, 4, 4]);
  const bad = (o: object, cls: number[] = [0], maps: Tensor = m): void => void deletionInsertion(net, x, maps, cls, o);
  assert.throws(() => bad({ step: 0 }), /step: must be in \(0, 1\], got 0/);
  assert.throws(() => bad({ baseline: 'noise' }), /baseline: must be one of blur, mean, zero/);
  assert.throws(() => bad({}, [0, 1]), /classes: 2 classes for 1 images/);
  const wrong = ones([1, 3, 3]);
  assert.throws(() => bad({}, [0], wrong), /maps: must be \[1,4,4\] like the input, got \[1,3,3\]/);
  for (const t of [x, m, wrong]) t.dispose();
  net.dispose();
});
