import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readNifti } from '../io/index.js';
import { dataset } from '../util/data-root.js';
import { at, syntheticVolume } from './fixtures-support.js';
import { sliceIndices, sliceVolume, volumeSlices } from './volume-slices.js';

// value encodes the voxel: f(x, y, z) = x + 100 y + 10000 z
const f = (x: number, y: number, z: number): number => x + 100 * y + 10000 * z;
const vol = syntheticVolume([5, 6, 7], f);

test('sliceVolume: columns along the lower in-plane axis, rows along the higher', () => {
  const z = sliceVolume(vol, 2, 3);
  assert.deepEqual([z.height, z.width], [6, 5]);
  assert.equal(at(z, 0, 4, 2), f(2, 4, 3));
  const y = sliceVolume(vol, 1, 2);
  assert.deepEqual([y.height, y.width], [7, 5]);
  assert.equal(at(y, 0, 6, 1), f(1, 2, 6));
  const x = sliceVolume(vol, 0, 4);
  assert.deepEqual([x.height, x.width], [7, 6]);
  assert.equal(at(x, 0, 3, 5), f(4, 5, 3));
  assert.throws(() => sliceVolume(vol, 2, 7), /index: slice 7 is outside 0..6/);
  assert.throws(() => sliceVolume(vol, 3 as 0, 0), /axis/);
});

test('sliceIndices skips near-empty slices', () => {
  // foreground only in the box x 1..3, y 1..4, z 2..4 (values 1), so 12 of 30 voxels per z slice
  const box = syntheticVolume([5, 6, 7], (x, y, z) => (x >= 1 && x <= 3 && y >= 1 && y <= 4 && z >= 2 && z <= 4 ? 1 : 0));
  assert.deepEqual(sliceIndices(box, { axis: 2 }), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(sliceIndices(box, { axis: 2, minForeground: 0.01 }), [2, 3, 4]);
  assert.deepEqual(sliceIndices(box, { axis: 2, minForeground: 0.41 }), []); // 12/30 = 0.4
  assert.deepEqual(sliceIndices(box, { axis: 0, minForeground: 1e-6 }), [1, 2, 3]);
  assert.deepEqual(sliceIndices(box, { axis: 1, minForeground: 1e-6 }), [1, 2, 3, 4]);
  assert.deepEqual(volumeSlices(box, { axis: 1, minForeground: 1e-6 }).map((s) => s.index), [1, 2, 3, 4]);
});

const age = dataset('ixi-t1-age');
test('ixi-t1-age: slices along axis 1 (axial), empty edge slices skipped', { skip: age.skip }, async () => {
  const files = (await readdir(join(age.path!, 'young'))).filter((f) => f.endsWith('.nii.gz')).sort();
  const v = await readNifti(join(age.path!, 'young', files[0]));
  assert.deepEqual(v.shape, [120, 120, 90]);
  const all = volumeSlices(v, { axis: 1 });
  assert.equal(all.length, 120);
  assert.deepEqual([all[0].image.height, all[0].image.width], [90, 120]);
  // axis 1 runs inferior (neck, in the field of view) to superior (air above the head)
  const kept = sliceIndices(v, { axis: 1, threshold: 50, minForeground: 0.05 });
  assert.ok(kept.length > 60 && kept.length < 120, `kept ${kept.length}`);
  assert.ok(kept.includes(0) && !kept.includes(119), 'the top slice is air');
  for (const s of all.filter((s) => !kept.includes(s.index))) {
    assert.ok(s.image.data.filter((x) => x > 50).length < 0.05 * s.image.data.length, `slice ${s.index} was skipped`);
  }
  // kept slices form one run (the head is one connected object)
  assert.equal(kept[kept.length - 1] - kept[0] + 1, kept.length);
});
