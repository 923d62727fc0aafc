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

test('RandFlip and RandRotate90 move image and mask together, to the known flipped / turned positions', () => {
  const sq = planes(2, 3, 3, (c, y, x) => 10 * c + 3 * y + x);
  const mask = planes(1, 3, 3, (_, y, x) => 3 * y + x);
  const rng = new Rng(4);
  // Known answers on the 3x3 grid value(y, x) = 3y + x: a horizontal flip reads x' = 2 - x, a
  // vertical one y' = 2 - y; numpy's rot90 (anticlockwise) reads k=1: (x, 2-y), k=2: (2-y, 2-x),
  // k=3: (2-x, y) as (row, column) of the input.
  const source = (p: { horizontal?: boolean; vertical?: boolean; k?: number }, y: number, x: number): [number, number] => {
    if (p.k !== undefined) return ([[y, x], [x, 2 - y], [2 - y, 2 - x], [2 - x, y]] as [number, number][])[p.k];
    return [p.vertical ? 2 - y : y, p.horizontal ? 2 - x : x];
  };
  const moved = [0, 0];
  for (const [n, t] of [new RandFlip(), new RandRotate90({ prob: 1 })].entries()) {
    for (let i = 0; i < 10; i++) {
      const p = t.randomize(rng, sq as never) as { horizontal?: boolean; vertical?: boolean; k?: number };
      const out = t.apply({ image: sq, mask }, p as never);
      for (let y = 0; y < 3; y++) {
        for (let x = 0; x < 3; x++) {
          const [sy, sx] = source(p, y, x);
          assert.equal(out.mask!.data[3 * y + x], 3 * sy + sx, `${t.name} ${JSON.stringify(p)}: mask (${y}, ${x})`);
          for (const c of [0, 1]) assert.equal(out.image.data[9 * c + 3 * y + x], 10 * c + 3 * sy + sx, `${t.name} ${JSON.stringify(p)}: image ${c} (${y}, ${x})`);
        }
      }
      if (out.mask!.data.some((v, j) => v !== mask.data[j])) moved[n]++;
    }
  }
  // a flip happens with probability 3/4 per draw (0.5 each axis), a quarter turn always
  assert.ok(moved[0] >= 3 && moved[1] === 10, `draws that moved pixels: flips ${moved[0]}/10, turns ${moved[1]}/10`);
  const k = new Set(Array.from({ length: 60 }, () => new RandRotate90({ prob: 1 }).randomize(rng, sq).k));
  assert.deepEqual([...k].sort(), [1, 2, 3]);
  assert.throws(() => new RandRotate90({ prob: 1 }).randomize(rng, img), /keepShape/);
  assert.deepEqual(new RandRotate90({ prob: 1, keepShape: true }).randomize(rng, img), { k: 2 });
});
