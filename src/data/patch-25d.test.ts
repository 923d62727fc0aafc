import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readNifti } from '../io/index.js';
import { dataset } from '../util/data-root.js';
import { at, syntheticVolume } from './fixtures-support.js';
import { patch25d } from './patch-25d.js';
import { labelCentroids, sampleLinear, worldToVoxel } from './volume-sampling.js';

// value encodes the voxel: f(x, y, z) = x + 100 y + 10000 z; being linear, trilinear sampling is exact
const f = (x: number, y: number, z: number): number => x + 100 * y + 10000 * z;
const vol = syntheticVolume([5, 6, 7], f);

test('patch25d in voxels: three orthogonal planes centred on the point', () => {
  const p = patch25d(vol, [2, 3, 4], { pixels: 3 });
  assert.deepEqual([p.channels, p.height, p.width], [3, 3, 3]);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      assert.equal(at(p, 0, r, c), f(1 + c, 2 + r, 4), 'axial: cols x, rows y');
      assert.equal(at(p, 1, r, c), f(1 + c, 3, 3 + r), 'coronal: cols x, rows z');
      assert.equal(at(p, 2, r, c), f(2, 2 + c, 3 + r), 'sagittal: cols y, rows z');
    }
  }
  // even size: the point sits on pixel (2, 2) of a 4x4 patch
  const e = patch25d(vol, [2, 3, 4], { pixels: 4 });
  assert.equal(at(e, 0, 2, 2), f(2, 3, 4));
  assert.equal(at(e, 0, 0, 0), f(0, 1, 4));
});

test('patch25d at a fractional point interpolates trilinearly; nearest picks the voxel', () => {
  const p = patch25d(vol, [2.5, 3.25, 4.75], { pixels: 3 });
  for (let ch = 0; ch < 3; ch++) assert.ok(Math.abs(at(p, ch, 1, 1) - f(2.5, 3.25, 4.75)) < 1e-2);
  const n = patch25d(vol, [2.4, 3.6, 4], { pixels: 1, interpolation: 'nearest' });
  assert.deepEqual(Array.from(n.data), [f(2, 4, 4), f(2, 4, 4), f(2, 4, 4)]);
});

test('patch25d in mm resamples through the spacing and pads with the fill value', () => {
  // spacing [2, 1, 0.5] mm; 3 pixels over 6 mm: 2 mm per pixel = [1, 2, 4] voxels per pixel
  const v = syntheticVolume([5, 6, 7], f, [2, 1, 0.5]);
  const p = patch25d(v, [2, 3, 4], { pixels: 3, size: 6, unit: 'mm', fill: -1 });
  assert.deepEqual([at(p, 0, 0, 0), at(p, 0, 2, 2)], [f(1, 1, 4), f(3, 5, 4)]);
  // coronal rows along z at 0, 4, 8: z = 8 is outside (Z = 7)
  assert.deepEqual([at(p, 1, 0, 1), at(p, 1, 1, 1), at(p, 1, 2, 1)], [f(2, 3, 0), f(2, 3, 4), -1]);
  // 4 pixels over 4 mm along x (2 mm voxels): half-voxel steps, x = 2 + (c - 2) / 2
  const q = patch25d(v, [2, 3, 4], { pixels: 4, size: 4, unit: 'mm' });
  assert.deepEqual([0, 1, 2, 3].map((c) => at(q, 0, 2, c)), [1, 1.5, 2, 2.5].map((x) => f(x, 3, 4)));
  // half a voxel outside the corner: half fill, half the edge voxel
  const b = patch25d(vol, [0, 0, 0], { pixels: 3, size: 1.5, fill: 100 });
  assert.equal(at(b, 0, 1, 0), 0.5 * 100 + 0.5 * f(0, 0, 0));
  assert.equal(at(b, 0, 0, 0), 0.75 * 100 + 0.25 * f(0, 0, 0));
});

test('patch25d option errors', () => {
  assert.throws(() => patch25d(vol, [0, 0, 0], { pixels: 0 }), /pixels/);
  assert.throws(() => patch25d(vol, [0, 0, 0], { unit: 'cm' as 'mm' }), /unit/);
  assert.throws(() => patch25d(vol, [0, Number.NaN, 0]), /center/);
});

test('worldToVoxel inverts the affine; labelCentroids averages coordinates', () => {
  const v = syntheticVolume([5, 6, 7], () => 0, [2, 1, 0.5]);
  v.affine[0][3] = 10;
  assert.deepEqual(worldToVoxel(v, [14, 3, 2]), [2, 3, 4]);
  const l = syntheticVolume([4, 4, 4], (x, y, z) => (x === 1 && y === 2 && z < 2 ? 3 : x === 3 && y === 3 && z === 3 ? 5 : 0));
  assert.deepEqual([...labelCentroids(l)], [
    [3, { centroid: [1, 2, 0.5], count: 2 }],
    [5, { centroid: [3, 3, 3], count: 1 }],
  ]);
  assert.equal(sampleLinear(l, 1, 2, 0.5, 0), 3);
});

const regions = dataset('ixi-t1-regions');
test('ixi-t1-regions: 2.5D patch at the 3rd-ventricle centroid (MUSE label 4) is dark CSF inside the label', { skip: regions.skip }, async () => {
  const stem = 'IXI059-HH-1284_T1';
  const [t1, lab] = await Promise.all([
    readNifti(join(regions.path!, 't1', `${stem}.nii.gz`), { canonical: true }),
    readNifti(join(regions.path!, 'labels', `${stem}_DLMUSE.nii.gz`), { canonical: true }),
  ]);
  const { centroid } = labelCentroids(lab).get(4)!;
  const labPatch = patch25d(lab, centroid, { pixels: 32, interpolation: 'nearest' });
  for (let ch = 0; ch < 3; ch++) assert.equal(at(labPatch, ch, 16, 16), 4, `channel ${ch} centre`);
  // 2 mm voxels: 64 mm over 32 pixels is one voxel per pixel, the same grid as the voxel patch
  const vox = patch25d(t1, centroid, { pixels: 32 });
  const mm = patch25d(t1, centroid, { pixels: 32, size: 64, unit: 'mm' });
  for (let i = 0; i < vox.data.length; i++) assert.ok(Math.abs(vox.data[i] - mm.data[i]) < 1e-3);
  // CSF is dark in T1: the centre (partial-volume with the thin ventricle's walls) is below the
  // median intensity of labelled brain voxels
  const brain = t1.data.filter((_, i) => lab.data[i] > 0).sort();
  const median = brain[brain.length >> 1];
  for (let ch = 0; ch < 3; ch++) assert.ok(at(vox, ch, 16, 16) < median, `channel ${ch}: ${at(vox, ch, 16, 16)} vs median ${median}`);
  // ...and the patch is the volume's content: its centre is the T1 value at the centroid
  assert.ok(Math.abs(at(vox, 0, 16, 16) - sampleLinear(t1, centroid[0], centroid[1], centroid[2], 0)) < 1e-3);
});
