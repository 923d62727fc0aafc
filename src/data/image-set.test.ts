// Image sets: bilinear resizing equals libtorch's F.interpolate, slices come from the chosen plane
// and range with the higher world coordinate at the top, groups follow files, bad input is one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, tidy } from '../engine/index.js';
import { F } from '../nn/index.js';
import { writeNifti } from '../io/index.js';
import { dataset } from '../util/data-root.js';
import { tempDir, writeGreyPng, syntheticVolume, planes } from './fixtures-support.js';
import { imageAt, imageSetBatch, loadImageSet, packImageSet, sliceRangeIndices, subsetImageSet, volumeImages } from './image-set.js';
import { RandFlip } from './transforms/index.js';
import { Rng } from './rng.js';
import { padToSquare, resizePlanes } from './resize.js';

test('resizePlanes equals F.interpolate bilinear (align_corners false), down and up', () => {
  const img = planes(2, 7, 9, (c, y, x) => Math.sin(c + y * 0.7) * Math.cos(x * 0.45) + x * 0.1);
  for (const [h, w] of [[4, 5], [13, 17], [7, 3]]) {
    const ours = resizePlanes(img, h, w).data;
    const ref = tidy(() => F.interpolate(tensor(img.data, { shape: [1, 2, 7, 9] }), { size: [h, w], mode: 'bilinear' }).data() as Float32Array);
    assert.equal(ours.length, ref.length);
    for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(ours[i] - ref[i]) < 1e-5, `${h}×${w} [${i}]: ${ours[i]} vs ${ref[i]}`);
  }
});

test('padToSquare centres the image: 1×3 row of [1,2,3] becomes row 1 of a 3×3 zero square', () => {
  const sq = padToSquare({ data: Float32Array.from([1, 2, 3]), channels: 1, height: 1, width: 3 });
  assert.deepEqual(Array.from(sq.data), [0, 0, 0, 1, 2, 3, 0, 0, 0]);
});

test('sliceRangeIndices: fractions of the axis, inclusive, with a step', () => {
  assert.deepEqual(sliceRangeIndices(11, [0.4, 0.6]), [4, 5, 6]); // round(0.4·10)=4 .. round(0.6·10)=6
  assert.deepEqual(sliceRangeIndices(11, [0, 1], 5), [0, 5, 10]);
  assert.throws(() => sliceRangeIndices(11, [0.7, 0.2]), /--slices/);
});

test('volumeImages: axial slice z holds value z, anterior (high y) on the top row', () => {
  // voxel value = 100·z + y, so a slice is constant along x and its rows tell y apart
  const vol = syntheticVolume([4, 4, 10], (_x, y, z) => 100 * z + y);
  const out = volumeImages(vol, { plane: 'axial', sliceRange: [0, 1], sliceStep: 3, size: 4, normalize: 'none' });
  assert.deepEqual(out.map((o) => o.slice), [0, 3, 6, 9]);
  const s3 = out[1].image;
  assert.equal(s3.data[0], 303, 'top-left = y 3 (anterior) of slice 3');
  assert.equal(s3.data[12], 300, 'bottom row = y 0');
  const cor = volumeImages(vol, { plane: 'coronal', sliceRange: [0, 0], size: 10, normalize: 'none' })[0].image;
  assert.equal(cor.data[3], 900, 'coronal: superior (z 9) at the top (columns 0-2 are padding)');
  assert.equal(cor.data[0], 0);
});

test('loadImageSet: 2-D class folders and NIfTI volumes, groups per file, subsets', async () => {
  const { dir, done } = await tempDir();
  try {
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    await writeGreyPng(join(dir, 'a', 'x1.png'), 6, 4, (x) => x * 40);
    await writeGreyPng(join(dir, 'a', 'x2.png'), 6, 4, (_x, y) => y * 60);
    const vol = syntheticVolume([5, 6, 8], (x, y, z) => 1 + x + y + z);
    await writeNifti(join(dir, 'b', 's1.nii.gz'), vol);
    const set = await loadImageSet(dir, { size: 8, sliceRange: [0.25, 0.75] });
    assert.deepEqual(set.classes, ['a', 'b']);
    const nb = sliceRangeIndices(8, [0.25, 0.75]).length;
    assert.equal(set.count, 2 + nb);
    assert.deepEqual(Array.from(set.labels), [0, 0, ...Array(nb).fill(1)]);
    assert.deepEqual(set.groups, ['a/x1', 'a/x2', ...Array(nb).fill('b/s1')]);
    assert.equal(set.data.length, set.count * 64);
    for (const v of set.data) assert.ok(v >= 0 && v <= 1, 'percentile-scaled into [0,1]');
    const sub = subsetImageSet(set, [3, 0]);
    assert.deepEqual(Array.from(imageAt(sub, 1).data), Array.from(imageAt(set, 0).data));
    mkdirSync(join(dir, 'c'));
    await assert.rejects(loadImageSet(dir), /c: holds no images/);
  } finally {
    await done();
  }
});

const ixi = dataset('ixi-t1-age');
test('loadImageSet on ixi-t1-age: 64² axial slices, one group per subject', { skip: ixi.skip ?? false }, async () => {
  const root = ixi.path!;
  const set = await loadImageSet(root, { size: 64, sliceRange: [0.5, 0.5] });
  assert.deepEqual(set.classes, ['old', 'young']);
  assert.equal(set.count, new Set(set.groups).size, 'one slice per subject');
  assert.ok(set.count >= 100);
  // brain in the middle, background in the corners
  let centre = 0;
  let corner = 0;
  for (let i = 0; i < set.count; i++) {
    const im = imageAt(set, i).data;
    centre += im[32 * 64 + 32];
    corner += im[0];
  }
  assert.ok(centre / set.count > 0.2 && corner / set.count < 0.02, `centre ${centre / set.count}, corner ${corner / set.count}`);
});

test('imageSetBatch: [B,C,S,S] in index order, normalised; a flip transform flips', async () => {
  const set = packImageSetForTest();
  const t = imageSetBatch(set, [1, 0], { norm: { mean: 1, std: 2 } });
  assert.deepEqual(t.shape, [2, 1, 2, 2]);
  assert.deepEqual(Array.from(t.data() as Float32Array), [2, 2.5, 3, 3.5, 0, 0.5, 1, 1.5].map((v) => v)); // (v − 1)/2 of [5,6,7,8] then [1,2,3,4]
  t.dispose();
  const f = imageSetBatch(set, [0], { transform: new RandFlip({ horizontal: 1, vertical: 0 }), rngFor: (k) => Rng.derive(0, k) });
  assert.deepEqual(Array.from(f.data() as Float32Array), [2, 1, 4, 3]);
  f.dispose();
  assert.throws(() => imageSetBatch(set, [0], { transform: new RandFlip() }), /rngFor/);
});

function packImageSetForTest() {
  return packImageSet(['a'], [
    { image: { data: Float32Array.from([1, 2, 3, 4]), channels: 1, height: 2, width: 2 }, label: 0, group: 'g0', source: { path: 'p0' } },
    { image: { data: Float32Array.from([5, 6, 7, 8]), channels: 1, height: 2, width: 2 }, label: 0, group: 'g1', source: { path: 'p1' } },
  ]);
}
