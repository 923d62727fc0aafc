import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { dataRoot, dataset } from '../util/data-root.js';
import { fileInfo } from './file-info.js';
import { writeNifti } from './nifti-write.js';
import { fixture, tempDir } from './io-fixtures-support.js';

// Shapes, dtypes and spacings as the reference readers report them: PIL/sharp image sizes, nibabel
// (tests/fixtures/io/nifti.json) and pydicom's PixelSpacing (tests/fixtures/io/dicom.json), both
// written by scripts/gen-io-fixtures.py; the last test below checks the DICOM ones against that file.
const cases: Array<[string, unknown]> = [
  ['em-isbi2012/images/0.png', { kind: 'image', shape: [512, 512, 1], dtype: 'uint8' }],
  ['em-epfl-features/axon/training0000.png', { kind: 'image', shape: [768, 1024, 2], dtype: 'uint8' }],
  ['sem-ncm/NCM333/NCM333_1157.jpg', { kind: 'image', shape: [960, 1280, 3], dtype: 'uint8' }],
  ['ixi-t1-age/young/IXI012-HH-1211_T1.nii.gz', { kind: 'volume', shape: [120, 120, 90], dtype: 'uint8', spacing: [2, 2, 2] }],
  ['colin27/aal.nii.gz', { kind: 'volume', shape: [181, 217, 181], dtype: 'uint8', spacing: [1, 1, 1] }],
  ['dicom-small/CT_small.dcm', { kind: 'dicom', shape: [128, 128], dtype: 'int16', spacing: [0.661468, 0.661468] }],
  ['dicom-small/nibabel_0.dcm', { kind: 'dicom', shape: [256, 256], dtype: 'uint16', spacing: [1.796875, 1.796875] }],
];

test('fileInfo cases: the DICOM spacings above are the pydicom fixture values', () => {
  const ref = fixture<{ pixelSpacing: number[] }>('dicom');
  for (const [rel, want] of cases) {
    if ((want as { kind: string }).kind === 'dicom') assert.deepEqual((want as { spacing: number[] }).spacing, ref[rel].pixelSpacing, rel);
  }
});

for (const [rel, want] of cases) {
  const ds = dataset(rel.split('/')[0]);
  test(`fileInfo ${rel}`, { skip: ds.skip }, async () => {
    assert.deepEqual(await fileInfo(join(dataRoot(), rel)), want);
  });
}

test('fileInfo: multi-page TIFF is an image-stack [P,H,W,C]; a written NIfTI reports its spacing', async () => {
  const { dir, done } = await tempDir();
  try {
    const tif = join(dir, 's.tif');
    await sharp(new Uint16Array(2 * 3 * 4), { raw: { width: 3, height: 8, channels: 1, pageHeight: 4 } })
      .toColourspace('grey16')
      .tiff({ compression: 'deflate' })
      .toFile(tif);
    assert.deepEqual(await fileInfo(tif), { kind: 'image-stack', shape: [2, 4, 3, 1], dtype: 'uint16' });
    const nii = join(dir, 'v.nii');
    const affine = [[0.5, 0, 0, 0], [0, 0.75, 0, 0], [0, 0, 3, 0], [0, 0, 0, 1]];
    await writeNifti(nii, { shape: [2, 3, 4], affine, data: new Float32Array(24) }, { dtype: 'int16' });
    assert.deepEqual(await fileInfo(nii), { kind: 'volume', shape: [2, 3, 4], dtype: 'int16', spacing: [0.5, 0.75, 3] });
  } finally {
    await done();
  }
});
