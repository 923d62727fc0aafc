import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dataset } from '../util/data-root.js';
import { readNifti, readNiftiHeader } from './nifti-read.js';
import { axisCodes } from './orientation.js';
import { assertAffineClose, assertClose, fixture } from './test-support.js';

interface NiftiRef {
  shape: number[];
  dtype: string;
  voxOffset: number;
  slope: number;
  inter: number;
  affine: number[][];
  qform: number[][];
  zooms: number[];
  axcodes: string;
  sum: number;
  samples: number[][];
  canonical: { shape: number[]; affine: number[][]; zooms: number[]; axcodes: string; samples: number[][] };
}

const refs = fixture<NiftiRef>('nifti');

function at(vol: { shape: number[]; data: Float32Array }, i: number, j: number, k: number): number {
  return vol.data[i + vol.shape[0] * (j + vol.shape[1] * k)];
}

// Each reference file: header fields, affine, values and the RAS+ reorientation against nibabel.
for (const [rel, ref] of Object.entries(refs)) {
  const ds = dataset(rel.split('/')[0]);
  test(`readNifti agrees with nibabel on ${rel}`, { skip: ds.skip }, async () => {
    const path = join(ds.path!, '..', rel);
    const vol = await readNifti(path);
    assert.deepEqual(vol.shape, ref.shape);
    assert.equal(vol.dtype, ref.dtype);
    assert.equal(vol.header.voxOffset, ref.voxOffset);
    assertAffineClose(vol.affine, ref.affine, 'affine');
    assert.deepEqual(vol.spacing, ref.zooms);
    assert.equal(axisCodes(vol.affine), ref.axcodes);
    let sum = 0;
    for (const v of vol.data) sum += v;
    assertClose(sum, ref.sum, 'sum of voxels', 1e-6);
    for (const [i, j, k, v] of ref.samples) assertClose(at(vol, i, j, k), v, `voxel (${i},${j},${k})`, 1e-6);

    const can = await readNifti(path, { canonical: true });
    assert.deepEqual(can.shape, ref.canonical.shape);
    assertAffineClose(can.affine, ref.canonical.affine, 'canonical affine');
    assert.deepEqual(can.spacing, ref.canonical.zooms);
    assert.equal(axisCodes(can.affine), 'RAS');
    for (const [i, j, k, v] of ref.canonical.samples) assertClose(at(can, i, j, k), v, `canonical voxel (${i},${j},${k})`, 1e-6);
  });
}

const ixi = dataset('ixi-t1-age');
test('IXI T1: scl_slope applied, data after the header extension at 2912, qform equals sform', { skip: ixi.skip }, async () => {
  const rel = 'ixi-t1-age/young/IXI012-HH-1211_T1.nii.gz';
  const path = join(ixi.path!, 'young', 'IXI012-HH-1211_T1.nii.gz');
  const h = await readNiftiHeader(path);
  assert.equal(h.voxOffset, 2912);
  assert.equal(h.datatype, 2);
  assertClose(h.sclSlope, refs[rel].slope, 'scl_slope');
  const vol = await readNifti(path);
  // Every value is an integer multiple of the slope (uint8 on disk).
  for (let i = 0; i < vol.data.length; i += 997) {
    const q = vol.data[i] / h.sclSlope;
    assertClose(q, Math.round(q), `voxel ${i} / slope`, 0, 1e-3);
  }
  assertAffineClose(refs[rel].qform, refs[rel].affine, 'qform vs sform');
});
