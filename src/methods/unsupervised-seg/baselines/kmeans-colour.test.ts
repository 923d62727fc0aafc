import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../../../util/errors.js';
import { kmeansColour } from './kmeans-colour.js';

// 6x2 image: left 3 columns red (250,0,0) / (240,10,0), right 3 blue (0,0,250) / (0,10,240).
function twoColours(): { data: Uint8Array; width: number; height: number } {
  const w = 6;
  const h = 2;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = 3 * (y * w + x);
      const rgb = x < 3 ? (y === 0 ? [250, 0, 0] : [240, 10, 0]) : y === 0 ? [0, 0, 250] : [0, 10, 240];
      data.set(rgb, p);
    }
  }
  return { data, width: w, height: h };
}

test('kmeans colour: two well-separated colours with k = 2', () => {
  // Any k-means++ draw puts one centre in each colour group (the second draw is proportional to
  // D^2, which is ~0 inside the first group); the centres converge to the group means
  // (245, 5, 0) and (0, 5, 245), so ids follow the halves, numbered by first appearance.
  for (const seed of [0, 1, 2, 3]) {
    const seg = kmeansColour(twoColours(), { k: 2, seed });
    assert.equal(seg.count, 2);
    assert.deepEqual([...seg.data], [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
  }
});

test('kmeans colour: k larger than the number of colours returns fewer clusters', () => {
  const image = { data: new Uint8Array([9, 9, 9, 9, 9, 9, 200, 0, 0]), width: 3, height: 1 };
  const seg = kmeansColour(image, { k: 5 });
  assert.equal(seg.count, 2);
  assert.deepEqual([...seg.data], [0, 0, 1]);
});

test('kmeans colour: same seed gives the same labels; k = 1 is blank', () => {
  const w = 16;
  const h = 16;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 97 + ((i * i) % 31)) % 256;
  const a = kmeansColour({ data, width: w, height: h }, { k: 4, seed: 7 });
  const b = kmeansColour({ data, width: w, height: h }, { k: 4, seed: 7 });
  assert.deepEqual(a, b);
  assert.equal(a.count, 4);
  assert.ok(kmeansColour({ data, width: w, height: h }, { k: 1 }).data.every((v) => v === 0));
});

test('kmeans colour: bad options are option errors', () => {
  const image = twoColours();
  assert.throws(() => kmeansColour(image, { k: 0 }), OptionError);
  assert.throws(() => kmeansColour(image, { k: 2.5 }), OptionError);
  assert.throws(() => kmeansColour(image, { maxIterations: -1 }), OptionError);
  assert.throws(() => kmeansColour(image, { tolerance: NaN }), OptionError);
});
