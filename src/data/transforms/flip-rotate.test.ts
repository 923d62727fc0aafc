import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../rng.js';
import { planes } from '../fixtures-support.js';
import { RandFlip, RandRotate90, flipPlanes, rot90Planes } from './flip-rotate.js';

// 2x3 image, values 1..6 row by row:  1 2 3 / 4 5 6
const img = planes(1, 2, 3, (_, y, x) => 1 + 3 * y + x);

test('flipPlanes: horizontal, vertical, both', () => {
  assert.deepEqual(Array.from(flipPlanes(img, true, false).data), [3, 2, 1, 6, 5, 4]);
  assert.deepEqual(Array.from(flipPlanes(img, false, true).data), [4, 5, 6, 1, 2, 3]);
  assert.deepEqual(Array.from(flipPlanes(img, true, true).data), [6, 5, 4, 3, 2, 1]);
});

test('rot90Planes follows numpy rot90: k=1 puts the top-right corner top-left', () => {
  // np.rot90([[1,2,3],[4,5,6]]) = [[3,6],[2,5],[1,4]]
  const r1 = rot90Planes(img, 1);
  assert.deepEqual([r1.height, r1.width, ...r1.data], [3, 2, 3, 6, 2, 5, 1, 4]);
  // k=2: [[6,5,4],[3,2,1]]; k=3 = k=-1: [[4,1],[5,2],[6,3]]
  assert.deepEqual(Array.from(rot90Planes(img, 2).data), [6, 5, 4, 3, 2, 1]);
  assert.deepEqual(Array.from(rot90Planes(img, -1).data), [4, 1, 5, 2, 6, 3]);
  assert.deepEqual(rot90Planes(rot90Planes(img, 1), 3).data, img.data);
});

test('RandFlip and RandRotate90 move image and mask together', () => {
  const sq = planes(2, 3, 3, (c, y, x) => 10 * c + 3 * y + x);
  const mask = planes(1, 3, 3, (_, y, x) => 3 * y + x);
  const rng = new Rng(4);
  for (const t of [new RandFlip(), new RandRotate90({ prob: 1 })]) {
    for (let i = 0; i < 10; i++) {
      const p = t.randomize(rng, sq as never);
      const out = t.apply({ image: sq, mask }, p as never);
      // channel 0 of this image equals the mask, so they must still agree after the transform
      assert.deepEqual(out.image.data.subarray(0, 9), out.mask!.data);
    }
  }
  const k = new Set(Array.from({ length: 60 }, () => new RandRotate90({ prob: 1 }).randomize(rng, sq).k));
  assert.deepEqual([...k].sort(), [1, 2, 3]);
  assert.throws(() => new RandRotate90({ prob: 1 }).randomize(rng, img), /keepShape/);
  assert.deepEqual(new RandRotate90({ prob: 1, keepShape: true }).randomize(rng, img), { k: 2 });
});
