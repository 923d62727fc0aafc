import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionError } from '../util/errors.js';
import { dataset } from '../util/data-root.js';
import { encodeNiftiHeader } from './nifti-header.js';
import { headerFor } from './nifti-write.js';
import { readNifti, readNiftiHeader } from './nifti-read.js';
import { axisCodes } from './orientation.js';
import { qformAffine, sformAffine } from './affine.js';
import { assertAffineClose, assertClose, fixture, tempDir } from './io-fixtures-support.js';

interface NiftiRef {
  shape: number[];
  qformCode: number;
  sformCode: number;
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
    assert.equal(vol.header.qformCode, ref.qformCode, 'qform_code');
    assert.equal(vol.header.sformCode, ref.sformCode, 'sform_code');
    // nibabel's header.get_qform(): the quaternion affine whatever qform_code says
    assertAffineClose(qformAffine(vol.header), ref.qform, 'qform');
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
test("IXI T1: scl_slope applied, data after the header extension at 2912, kensa's qform and sform equal nibabel's", { skip: ixi.skip }, async () => {
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
  // Both codes are 1 in this file; nibabel gives the same matrix for both (checked by the generator's
  // output), so kensa's qform and its sform must each equal nibabel's.
  assertAffineClose(qformAffine(h), refs[rel].qform, 'qform vs nibabel');
  assertAffineClose(sformAffine(h), refs[rel].affine, 'sform vs nibabel');
});

// Every readable datatype, in both byte orders, with a 4-D file of two frames: frame 1 holds
// values[i] + 1. Known answers: the values themselves (no scaling), stored per dtype.
const dtypeCases: Array<[number, number, (dv: DataView, o: number, v: number, le: boolean) => void]> = [
  [256, 1, (dv, o, v) => dv.setInt8(o, v)],
  [2, 1, (dv, o, v) => dv.setUint8(o, v)],
  [4, 2, (dv, o, v, le) => dv.setInt16(o, v, le)],
  [512, 2, (dv, o, v, le) => dv.setUint16(o, v, le)],
  [8, 4, (dv, o, v, le) => dv.setInt32(o, v, le)],
  [768, 4, (dv, o, v, le) => dv.setUint32(o, v, le)],
  [1024, 8, (dv, o, v, le) => dv.setBigInt64(o, BigInt(v), le)],
  [1280, 8, (dv, o, v, le) => dv.setBigUint64(o, BigInt(v), le)],
  [16, 4, (dv, o, v, le) => dv.setFloat32(o, v, le)],
  [64, 8, (dv, o, v, le) => dv.setFloat64(o, v, le)],
];
test('readNifti: every datatype in both byte orders, frame selection in a 4-D file (known answers)', async () => {
  const { dir, done } = await tempDir();
  try {
    const values = [0, 1, 7, 100, 2, 3]; // 3x2x1, fits every type
    const aff = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    for (const [code, size, put] of dtypeCases) {
      for (const le of [true, false]) {
        const h = { ...headerFor({ shape: [3, 2, 1], affine: aff, data: values }, 'float32'), littleEndian: le, datatype: code, bitpix: 8 * size };
        h.dim = [4, 3, 2, 1, 2, 1, 1, 1];
        const body = new DataView(new ArrayBuffer(2 * values.length * size));
        [...values, ...values.map((v) => v + 1)].forEach((v, i) => put(body, i * size, v, le));
        const path = join(dir, `t${code}${le ? 'le' : 'be'}.nii`);
        await writeFile(path, Buffer.concat([encodeNiftiHeader(h), new Uint8Array(body.buffer)]));
        const f0 = await readNifti(path);
        assert.deepEqual(Array.from(f0.data), values, `${f0.dtype} ${le ? 'LE' : 'BE'}`);
        const f1 = await readNifti(path, { frame: 1 });
        assert.deepEqual(Array.from(f1.data), values.map((v) => v + 1), `${f1.dtype} frame 1`);
        await assert.rejects(readNifti(path, { frame: 2 }), OptionError);
      }
    }
  } finally {
    await done();
  }
});
