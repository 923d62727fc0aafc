// 2.5-D context of volume slices (ImageSetOptions.context): channel k of the item at slice i is
// slice i + (k − K)·step, indices clamped to the volume; bad values and 2-D images are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeNifti } from '../io/index.js';
import { tempDir, writeGreyPng, syntheticVolume, at } from './fixtures-support.js';
import { contextSlices, fileItems, loadImageSet, volumeImages } from './image-set.js';

test('contextSlices: i + (k − K)·step, clamped to [0, n − 1]', () => {
  assert.deepEqual(contextSlices(4, 10, 1, 2), [2, 4, 6]);
  assert.deepEqual(contextSlices(0, 10, 1, 2), [0, 0, 2]); // 0 − 2 clamps to 0
  assert.deepEqual(contextSlices(9, 10, 2, 1), [7, 8, 9, 9, 9]); // 10 and 11 clamp to 9
  assert.deepEqual(contextSlices(5, 10, 0, 3), [5]);
});

test('volumeImages with context: channel k holds slice i + (k − K)·step (known values), edges clamped', () => {
  // voxel value = 100·z + y: a slice's value tells its z, its rows tell y apart
  const vol = syntheticVolume([4, 4, 10], (_x, y, z) => 100 * z + y);
  const plain = volumeImages(vol, { sliceRange: [0, 1], sliceStep: 3, size: 4, normalize: 'none' });
  const ctx = volumeImages(vol, { sliceRange: [0, 1], sliceStep: 3, size: 4, normalize: 'none', context: 1 });
  assert.deepEqual(ctx.map((o) => o.slice), [0, 3, 6, 9], 'the same items as without context');
  // slices 0, 3, 6, 9 with step 3: channels [0,0,3], [0,3,6], [3,6,9], [6,9,9]
  const expected = [[0, 0, 3], [0, 3, 6], [3, 6, 9], [6, 9, 9]];
  ctx.forEach((o, i) => {
    assert.equal(o.image.channels, 3);
    // top-left pixel is y 3 (anterior at the top): 100·z + 3
    assert.deepEqual([0, 1, 2].map((k) => at(o.image, k, 0, 0)), expected[i].map((z) => 100 * z + 3), `item ${i}`);
    assert.deepEqual([0, 1, 2].map((k) => at(o.image, k, 3, 0)), expected[i].map((z) => 100 * z), `item ${i}, bottom row`);
    // the centre channel is the item's own slice, exactly as without context
    assert.deepEqual(Array.from(o.image.data.subarray(16, 32)), Array.from(plain[i].image.data));
  });
  // padded square and resized (4×6 in-plane → 8×8): channel k of item i is the plain item at slice i + (k − 1)·3
  const oblong = syntheticVolume([4, 6, 10], (x, y, z) => 100 * z + 10 * y + x);
  const p8 = volumeImages(oblong, { sliceRange: [0, 1], sliceStep: 3, size: 8, normalize: 'none' });
  const c8 = volumeImages(oblong, { sliceRange: [0, 1], sliceStep: 3, size: 8, normalize: 'none', context: 1 });
  for (let k = 0; k < 3; k++) assert.deepEqual(Array.from(c8[2].image.data.subarray(k * 64, (k + 1) * 64)), Array.from(p8[1 + k].image.data), `slice 6, channel ${k}`);
  const two = volumeImages(vol, { sliceRange: [0.5, 0.5], size: 4, normalize: 'none', context: 2 }); // slice round(0.5·9) = 5, step 1
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => at(two[0].image, k, 3, 0)), [300, 400, 500, 600, 700]);
  assert.throws(() => volumeImages(vol, { context: -1 }), /^OptionError: --context: must be a non-negative integer, got -1$/);
  assert.throws(() => volumeImages(vol, { context: 1.5 }), /--context: must be a non-negative integer, got 1.5/);
});

test('context through files: volumes give 2K+1 channels, normalised over the volume; a 2-D image is refused', async () => {
  const { dir, done } = await tempDir();
  try {
    const vol = syntheticVolume([4, 4, 10], (_x, y, z) => 1 + 10 * z + y);
    await writeNifti(join(dir, 'a', 's1.nii.gz'), vol);
    await writeNifti(join(dir, 'b', 's2.nii.gz'), vol);
    const set = await loadImageSet(dir, { size: 4, sliceRange: [0.2, 0.8], sliceStep: 2, context: 1, normalize: 'minmax' });
    assert.equal(set.channels, 3);
    // minmax over the volume: (v − 1) / 93, v = 1 + 10 z + y in 1..94; item 0 is slice round(0.2·9) = 2, channels z 0, 2, 4
    const first = { data: set.data.subarray(0, 48), channels: 3, height: 4, width: 4 };
    [0, 2, 4].forEach((z, k) => assert.ok(Math.abs(at(first, k, 0, 0) - (10 * z + 3) / 93) < 1e-6, `channel ${k}`));
    await writeGreyPng(join(dir, 'png', 'c', 'x.png'), 4, 4, () => 9);
    await assert.rejects(fileItems(join(dir, 'png', 'c', 'x.png'), { context: 1 }), /^OptionError: --context: applies to NIfTI volumes only; .*x\.png is a 2-D image$/);
  } finally {
    await done();
  }
});
