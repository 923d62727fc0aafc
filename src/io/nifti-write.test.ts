import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionError } from '../util/errors.js';
import { dataset } from '../util/data-root.js';
import { qformAffine } from './affine.js';
import { encodeNiftiHeader, parseNiftiHeader } from './nifti-header.js';
import { readNifti } from './nifti-read.js';
import { headerFor, writeNifti } from './nifti-write.js';
import { assertAffineClose, tempDir } from './io-fixtures-support.js';

// A 2x3x4 volume, x flipped, y and z spaced 3 and 4 mm: values 10*x + y - 5*z (some negative).
const affine = [
  [-2, 0, 0, 10],
  [0, 3, 0, -20],
  [0, 0, 4, 30],
  [0, 0, 0, 1],
];
const shape: [number, number, number] = [2, 3, 4];
const values = Array.from({ length: 24 }, (_, i) => {
  const x = i % 2;
  const y = Math.floor(i / 2) % 3;
  const z = Math.floor(i / 6);
  return 10 * x + y - 5 * z;
});

test('writeNifti int16: header fields and little-endian voxels at offset 352 (known answer)', async () => {
  const { dir, done } = await tempDir();
  try {
    const path = join(dir, 'tiny.nii');
    await writeNifti(path, { shape, affine, data: values }, { dtype: 'int16' });
    const bytes = new Uint8Array(await readFile(path));
    assert.equal(bytes.length, 352 + 24 * 2);
    const h = parseNiftiHeader(bytes, path);
    assert.deepEqual(h.dim.slice(0, 4), [3, 2, 3, 4]);
    assert.equal(h.datatype, 4);
    assert.equal(h.bitpix, 16);
    assert.deepEqual(h.pixdim.slice(0, 4), [-1, 2, 3, 4]); // x flipped: determinant < 0, so qfac = -1
    assert.deepEqual(h.srow, affine.slice(0, 3));
    assertAffineClose(qformAffine(h), affine, 'qform', 1e-5);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + 352);
    assert.equal(dv.getInt16(2 * 23, true), 10 * 1 + 2 - 5 * 3); // voxel (1,2,3) is last
    const back = await readNifti(path);
    assert.deepEqual(Array.from(back.data), values);
    assert.deepEqual(back.spacing, [2, 3, 4]);
  } finally {
    await done();
  }
});

test('readNifti reads a big-endian file the same as little-endian', async () => {
  const { dir, done } = await tempDir();
  try {
    const h = { ...headerFor({ shape, affine, data: values }, 'int16'), littleEndian: false, sclSlope: 0.5, sclInter: 1 };
    const body = new DataView(new ArrayBuffer(48));
    values.forEach((v, i) => body.setInt16(2 * i, v, false));
    const path = join(dir, 'be.nii');
    await writeFile(path, Buffer.concat([encodeNiftiHeader(h), new Uint8Array(body.buffer)]));
    const vol = await readNifti(path);
    assert.equal(vol.header.littleEndian, false);
    assert.deepEqual(Array.from(vol.data), values.map((v) => v * 0.5 + 1));
    assertAffineClose(vol.affine, affine, 'affine');
  } finally {
    await done();
  }
});

test('writeNifti refuses values that do not fit the type and leaves no file behind', async () => {
  const { dir, done } = await tempDir();
  try {
    const path = join(dir, 'bad.nii.gz');
    await assert.rejects(writeNifti(path, { shape, affine, data: values }, { dtype: 'uint8' }), OptionError);
    await assert.rejects(writeNifti(path, { shape, affine, data: values.slice(1) }), OptionError);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await done();
  }
});

const labels = dataset('ixi-t1-regions');
test('label volume round trip: IXI DLMUSE labels written as uint8 .nii.gz read back identical', { skip: labels.skip }, async () => {
  const { dir, done } = await tempDir();
  try {
    const src = await readNifti(join(labels.path!, 'labels', 'IXI059-HH-1284_T1_DLMUSE.nii.gz'));
    const path = join(dir, 'labels.nii.gz');
    await writeNifti(path, src, { dtype: 'uint8' });
    const back = await readNifti(path);
    assert.equal(back.dtype, 'uint8');
    assert.deepEqual(back.shape, src.shape);
    assert.ok(back.data.every((v, i) => v === src.data[i]));
    assertAffineClose(back.affine, src.affine, 'affine');
    assertAffineClose(qformAffine(back.header), src.affine, 'qform', 1e-4);
  } finally {
    await done();
  }
});

// nibabel must read what we write the same way: run Debian's interpreter when it has nibabel.
const python = '/usr/bin/python3';
function hasNibabel(): boolean {
  if (!existsSync(python)) return false;
  try {
    execFileSync(python, ['-c', 'import nibabel'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const nibabelSkip = hasNibabel() ? undefined : 'needs /usr/bin/python3 with nibabel (apt-get install python3-nibabel)';
test('nibabel reads writeNifti output: shape, dtype, values, qform and sform', { skip: nibabelSkip }, async () => {
  const { dir, done } = await tempDir();
  try {
    const path = join(dir, 'tiny.nii.gz');
    await writeNifti(path, { shape, affine, data: values }, { dtype: 'int16' });
    const script = [
      'import sys, json, nibabel as nib, numpy as np',
      'im = nib.load(sys.argv[1])',
      'd = np.asarray(im.dataobj)',
      "print(json.dumps({'shape': list(d.shape), 'dtype': str(d.dtype), 'values': d.flatten(order='F').tolist(),",
      "  'affine': im.affine.tolist(), 'qform': im.header.get_qform().tolist(), 'codes': [int(im.header['qform_code']), int(im.header['sform_code'])]}))",
    ].join('\n');
    const out = JSON.parse(execFileSync(python, ['-c', script, path], { encoding: 'utf8' }));
    assert.deepEqual(out.shape, shape);
    assert.equal(out.dtype, 'int16');
    assert.deepEqual(out.values, values);
    assertAffineClose(out.affine, affine, 'nibabel affine');
    assertAffineClose(out.qform, affine, 'nibabel qform', 1e-5);
    assert.deepEqual(out.codes, [2, 2]);
  } finally {
    await done();
  }
});
