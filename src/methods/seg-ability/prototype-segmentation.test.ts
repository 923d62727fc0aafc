// Prototype segmentation on feature maps with hand-worked answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, tidy, type Tensor } from '../../engine/index.js';
import { layerMap, prototypes, rowDice, softLayerMap, unitMaps } from './prototype-segmentation.js';

const arr = (t: Tensor): number[] => Array.from(t.data() as Float32Array);

test('one channel: prototypes are guide-weighted means; pixels go to the nearer one', () => {
  tidy(() => {
    const f = tensor([[0, 0, 1, 1, 3]]);
    // guide = truth {2,3,4}: t = (1 + 1 + 3) / 3 = 5/3, b = 0 → object where f > 5/6
    const p = prototypes(f, tensor([0, 0, 1, 1, 1]));
    assert.ok(Math.abs(p.object.item() - 5 / 3) < 1e-6 && p.background.item() === 0);
    assert.deepEqual(arr(layerMap(f, p)), [0, 0, 1, 1, 1]);
    // guide {3,4}: t = (1 + 3) / 2 = 2, b = (0 + 0 + 1) / 3 → object where f > 7/6: only pixel 4;
    // Dice against truth {2,3,4}: 2·1 / (1 + 3) = 0.5
    const q = prototypes(f, tensor([0, 0, 0, 1, 1]));
    const m = layerMap(f, q);
    assert.deepEqual(arr(m), [0, 0, 0, 0, 1]);
    assert.deepEqual(Array.from(rowDice(m.unsqueeze(0), tensor([0, 0, 1, 1, 1]))), [0.5]);
    // soft guide B = [0, 0, 0.5, 0.5, 1]: t = (0.5 + 0.5 + 3) / 2 = 2, b = (0.5 + 0.5) / 3 = 1/3 → object where f > 7/6
    const s = prototypes(f, tensor([0, 0, 0.5, 0.5, 1]));
    assert.ok(Math.abs(s.object.item() - 2) < 1e-6 && Math.abs(s.background.item() - 1 / 3) < 1e-6);
    assert.deepEqual(arr(layerMap(f, s)), [0, 0, 0, 0, 1]);
  });
});

test('a 4×4 map with an object channel, an inverted channel and a constant channel', () => {
  tidy(() => {
    // truth: the centre 2×2 square of a 4×4 image
    const truth = Array.from({ length: 16 }, (_, i) => (Math.floor(i / 4) % 3 !== 0 && i % 4 % 3 !== 0 ? 1 : 0));
    const f = tensor([truth, truth.map((v) => 1 - v), truth.map(() => 5)]);
    const g = tensor(truth);
    const p = prototypes(f, g);
    assert.deepEqual(arr(p.object), [1, 0, 5]);
    assert.deepEqual(arr(p.background), [0, 1, 5]);
    // all channels: d_t = 0 inside and 2 outside, d_b the reverse → the truth exactly
    assert.deepEqual(arr(layerMap(f, p)), truth);
    // unit 0 and the inverted unit 1 each find the object; the constant unit 2 ties everywhere → empty
    const u = unitMaps(f, p);
    assert.deepEqual(Array.from(rowDice(u, g)), [1, 1, 0]);
    // soft: σ(d_b − d_t) = σ(2) inside, σ(−2) outside
    const soft = arr(softLayerMap(f, p));
    truth.forEach((v, i) => assert.ok(Math.abs(soft[i] - 1 / (1 + Math.exp(v ? -2 : 2))) < 1e-6));
  });
});

test('a guide without object (or background) mass gives an empty (or full) map; rowDice conventions', () => {
  tidy(() => {
    const f = tensor([[1, 2, 3]]);
    assert.deepEqual(arr(layerMap(f, prototypes(f, tensor([0, 0, 0])))), [0, 0, 0]);
    assert.deepEqual(arr(unitMaps(f, prototypes(f, tensor([1, 1, 1])))), [1, 1, 1]);
    // rows: {0,1} vs {0}: 2/3; empty vs {0}: 0; and against an empty target: empty row 1, full row 0
    assert.deepEqual(Array.from(rowDice(tensor([[1, 1, 0], [0, 0, 0]]), tensor([1, 0, 0]))), [2 / 3, 0]);
    assert.deepEqual(Array.from(rowDice(tensor([[0, 0, 0], [1, 1, 1]]), tensor([0, 0, 0]))), [1, 0]);
  });
});
