import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { assertClose, loadMetricFixture } from './fixture-loader.js';
import type { LabelMap } from './label-map.js';
import { meanVariationOfInformation, variationOfInformation } from './variation-of-information.js';

interface Pair { width: number; height: number; a: number[]; b: number[]; voiNats: number; voiBitsSkimage: number }
const map = (data: number[], width: number, height: number): LabelMap => ({ data: Int32Array.from(data), width, height });

test('voi: hand-computed', () => {
  // Rows vs columns of a 2x2 image are independent halves: H(A) = H(B) = ln 2, I = 0 -> 2 ln 2.
  const a = map([0, 0, 1, 1], 2, 2);
  const b = map([0, 1, 0, 1], 2, 2);
  assertClose(variationOfInformation(a, b), 2 * Math.LN2, 1e-15, 'VoI nats');
  assertClose(variationOfInformation(a, b, { logBase: 2 }), 2, 1e-15, 'VoI bits');
  assert.equal(variationOfInformation(a, a), 0);
  // One segment vs two halves: H(B|A) = ln 2, H(A|B) = 0.
  assertClose(variationOfInformation(map([5, 5, 5, 5], 2, 2), a), Math.LN2, 1e-15, 'VoI blank');
  // Mean over annotators: (0 + 2 ln 2) / 2.
  assertClose(meanVariationOfInformation(a, [a, b]), Math.LN2, 1e-15, 'mean VoI');
});

test('voi: agrees with scipy/sklearn entropies (nats) and skimage variation_of_information (bits)', () => {
  // skimage 0.19 sums H(A|B) + H(B|A) with log2, so its value is compared at logBase 2.
  const { pairs } = loadMetricFixture<{ pairs: Pair[] }>('segmentation.json');
  for (const p of pairs) {
    const a = map(p.a, p.width, p.height);
    const b = map(p.b, p.width, p.height);
    assertClose(variationOfInformation(a, b), p.voiNats, 1e-12, `VoI nats ${p.width}x${p.height}`);
    assertClose(variationOfInformation(a, b, { logBase: 2 }), p.voiBitsSkimage, 1e-12, `VoI bits ${p.width}x${p.height}`);
  }
});

test('voi: bad base and no annotators are option errors', () => {
  const a = map([0, 1], 2, 1);
  assert.throws(() => variationOfInformation(a, a, { logBase: 1 }), OptionError);
  assert.throws(() => meanVariationOfInformation(a, []), OptionError);
});
