import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../util/errors.js';
import { dataset } from '../util/data-root.js';
import { readDicom, readDicomHeader } from './dicom-read.js';
import { buildDicom } from './dicom-test-builder.js';
import { assertClose, fixture, tempDir } from './io-fixtures-support.js';

interface DicomRef {
  transferSyntax: string;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  pixelSpacing: number[] | null;
  sliceThickness: number | null;
  rawSum: number;
  rawMin: number;
  rawMax: number;
  sum: number;
  samples: number[][];
}

const refs = fixture<DicomRef>('dicom');
const ds = dataset('dicom-small');

for (const [rel, ref] of Object.entries(refs)) {
  test(`readDicom agrees with pydicom on ${rel}`, { skip: ds.skip }, async () => {
    const img = await readDicom(join(ds.path!, '..', rel));
    assert.equal(img.transferSyntax, ref.transferSyntax);
    assert.equal(img.height, ref.rows);
    assert.equal(img.width, ref.columns);
    assert.equal(img.bitsAllocated, ref.bitsAllocated);
    assert.equal(img.bitsStored, ref.bitsStored);
    assert.equal(img.pixelRepresentation, ref.pixelRepresentation);
    assert.equal(img.rescaleSlope, ref.rescaleSlope);
    assert.equal(img.rescaleIntercept, ref.rescaleIntercept);
    assert.deepEqual(img.pixelSpacing, ref.pixelSpacing ?? undefined);
    assert.equal(img.sliceThickness, ref.sliceThickness ?? undefined);
    let rawSum = 0;
    let sum = 0;
    for (let i = 0; i < img.stored.length; i++) {
      rawSum += img.stored[i];
      sum += img.data[i];
    }
    assert.equal(rawSum, ref.rawSum);
    assertClose(sum, ref.sum, 'rescaled sum', 1e-9);
    assert.equal(Math.min(...img.stored), ref.rawMin);
    assert.equal(Math.max(...img.stored), ref.rawMax);
    for (const [r, c, raw, real] of ref.samples) {
      assert.equal(img.stored[r * img.width + c], raw, `stored (${r},${c})`);
      assertClose(img.data[r * img.width + c], real, `value (${r},${c})`);
    }
  });
}

test('readDicom: CT_small in Hounsfield units (slope 1, intercept -1024)', { skip: ds.skip }, async () => {
  const img = await readDicom(join(ds.path!, 'CT_small.dcm'));
  assert.equal(img.modality, 'CT');
  for (let i = 0; i < img.data.length; i += 101) assert.equal(img.data[i], img.stored[i] - 1024);
});

// 12 bits stored in 16, signed: on-disk patterns 0x0FFF (-1), 0x0800 (-2048), 0x07FF (2047),
// 0xF001 (high bits are not pixel data: masked to 0x001 = 1), 0, 5.
const patterns = [0x0fff, 0x0800, 0x07ff, 0xf001, 0, 5];
const expected = [-1, -2048, 2047, 1, 0, 5];

for (const [ts, name] of [
  ['1.2.840.10008.1.2.1', 'explicit VR little endian'],
  ['1.2.840.10008.1.2', 'implicit VR little endian'],
  ['1.2.840.10008.1.2.2', 'explicit VR big endian'],
] as const) {
  test(`readDicom: signed 12-bit values, rescale and spacing, ${name} (known answer)`, async () => {
    const { dir, done } = await tempDir();
    try {
      const path = join(dir, 'tiny.dcm');
      const bytes = buildDicom({
        transferSyntax: ts,
        rows: 2,
        columns: 3,
        bitsAllocated: 16,
        bitsStored: 12,
        pixelRepresentation: 1,
        pixels: patterns,
        extra: [
          { tag: [0x28, 0x30], vr: 'DS', value: '0.5\\0.25' },
          { tag: [0x28, 0x1052], vr: 'DS', value: '-100' },
          { tag: [0x28, 0x1053], vr: 'DS', value: '2' },
        ],
      });
      await writeFile(path, bytes);
      const img = await readDicom(path);
      assert.deepEqual([img.width, img.height], [3, 2]);
      assert.deepEqual(Array.from(img.stored), expected);
      assert.deepEqual(Array.from(img.data), expected.map((v) => 2 * v - 100));
      assert.deepEqual(img.pixelSpacing, [0.5, 0.25]);
    } finally {
      await done();
    }
  });
}

test('readDicom: unsigned 8-bit', async () => {
  const { dir, done } = await tempDir();
  try {
    const path = join(dir, 'u8.dcm');
    await writeFile(path, buildDicom({ rows: 1, columns: 4, bitsAllocated: 8, pixels: [0, 1, 128, 255] }));
    const img = await readDicom(path);
    assert.deepEqual(Array.from(img.stored), [0, 1, 128, 255]);
    assert.equal(img.pixelSpacing, undefined);
  } finally {
    await done();
  }
});

test('readDicom refuses compressed transfer syntaxes and missing or short pixel data with one-line InputErrors', async () => {
  const { dir, done } = await tempDir();
  try {
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['jpeg.dcm', buildDicom({ transferSyntax: '1.2.840.10008.1.2.4.50', rows: 2, columns: 2, bitsAllocated: 8, pixels: [1, 2, 3, 4] }), /compressed transfer syntax JPEG baseline/],
      ['j2k.dcm', buildDicom({ transferSyntax: '1.2.840.10008.1.2.4.90', rows: 2, columns: 2, bitsAllocated: 8, pixels: [1, 2, 3, 4] }), /JPEG 2000 lossless/],
      ['nopix.dcm', buildDicom({ rows: 2, columns: 2, bitsAllocated: 16 }), /no pixel data/],
      ['short.dcm', buildDicom({ rows: 4, columns: 4, bitsAllocated: 16, pixels: [1, 2, 3] }), /truncated pixel data/],
    ];
    for (const [name, bytes, re] of cases) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      await assert.rejects(readDicom(path), (err: Error) => {
        assert.ok(err instanceof InputError, `${name}: ${err}`);
        assert.match(err.message, re);
        assert.ok(err.message.startsWith(path + ': '));
        assert.ok(!err.message.includes('\n'));
        return true;
      });
    }
    await assert.rejects(readDicomHeader(join(dir, 'jpeg.dcm')), InputError);
  } finally {
    await done();
  }
});
