// Every reader and fileInfo on mutated copies of real files: a one-line InputError naming the
// file, never a crash or another error type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../util/errors.js';
import { dataRoot, dataset } from '../util/data-root.js';
import { readDicom } from './dicom-read.js';
import { fileInfo } from './file-info.js';
import { readImage, readImageStack } from './image-read.js';
import { readNifti } from './nifti-read.js';
import { tempDir } from './io-fixtures-support.js';

type Reader = (path: string) => Promise<unknown>;

/** Real source file, the name its copies get, and the reader that must refuse the mutations. */
const sources: Array<{ rel: string; name: string; reader: Reader; gunzip?: boolean }> = [
  { rel: 'em-isbi2012/images/0.png', name: 'em.png', reader: readImage },
  { rel: 'em-epfl-features/axon/training0000.png', name: 'epfl.png', reader: readImageStack },
  { rel: 'sem-ncm/NCM333/NCM333_1157.jpg', name: 'sem.jpg', reader: readImage },
  { rel: 'ixi-t1-age/young/IXI012-HH-1211_T1.nii.gz', name: 'ixi.nii.gz', reader: readNifti },
  { rel: 'ixi-t1-age/young/IXI012-HH-1211_T1.nii.gz', name: 'ixi.nii', reader: readNifti, gunzip: true },
  { rel: 'dicom-small/CT_small.dcm', name: 'ct.dcm', reader: readDicom },
  { rel: 'dicom-small/MR_small.dcm', name: 'mr.dcm', reader: readDicom },
  { rel: 'dicom-small/nibabel_0.dcm', name: 'implicit.dcm', reader: readDicom },
];

/** Byte ranges whose corruption must be caught: the header fields each format depends on. */
function garble(name: string, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  const fill = (from: number, to: number) => out.fill(0xff, from, to);
  if (name.endsWith('.png')) fill(12, 33); // IHDR chunk type, size, depth, colour type and CRC
  else if (name.endsWith('.jpg')) fill(2, 64); // APP0 / quantisation table markers
  else if (name.endsWith('.nii.gz')) fill(10, 40); // start of the deflate stream
  else if (name.endsWith('.nii')) fill(0, 4); // sizeof_hdr
  else fill(128, 140); // "DICM" and the first meta element
  return out;
}

const mutations: Array<[string, (name: string, b: Uint8Array) => Uint8Array]> = [
  ['truncated to half', (_n, b) => b.subarray(0, Math.floor(b.length / 2))],
  ['truncated to 10 bytes', (_n, b) => b.subarray(0, 10)],
  ['garbled header bytes', garble],
  ['empty', () => new Uint8Array(0)],
];

function expectInputError(path: string, what: string) {
  return (err: unknown) => {
    assert.ok(err instanceof InputError, `${what}: expected InputError, got ${String(err)}`);
    assert.ok(err.message.startsWith(`${path}: `), `${what}: message should start with the path: ${err.message}`);
    assert.ok(!err.message.includes('\n'), `${what}: message should be one line: ${JSON.stringify(err.message)}`);
    return true;
  };
}

for (const src of sources) {
  const ds = dataset(src.rel.split('/')[0]);
  test(`bad input: mutated copies of ${src.rel}${src.gunzip ? ' (gunzipped)' : ''} give InputError`, { skip: ds.skip }, async () => {
    const { dir, done } = await tempDir();
    try {
      let bytes = new Uint8Array(await readFile(join(dataRoot(), src.rel)));
      if (src.gunzip) bytes = new Uint8Array(gunzipSync(bytes));
      // The pristine copy reads, so the failures below come from the mutation.
      const good = join(dir, `good-${src.name}`);
      await writeFile(good, bytes);
      await src.reader(good);
      for (const [what, mutate] of mutations) {
        const path = join(dir, `${what.replace(/\W+/g, '-')}-${src.name}`);
        await writeFile(path, mutate(src.name, bytes));
        await assert.rejects(src.reader(path), expectInputError(path, `${what} (reader)`));
        await assert.rejects(fileInfo(path), expectInputError(path, `${what} (fileInfo)`));
      }
    } finally {
      await done();
    }
  });
}

test('bad input: text files named .png/.jpg/.tif/.nii/.nii.gz/.dcm, a missing file and a folder', async () => {
  const { dir, done } = await tempDir();
  try {
    const readers: Array<[string, Reader]> = [
      ['x.png', readImage],
      ['x.jpg', readImage],
      ['x.tif', readImageStack],
      ['x.nii', readNifti],
      ['x.nii.gz', readNifti],
      ['x.dcm', readDicom],
    ];
    for (const [name, reader] of readers) {
      const path = join(dir, name);
      await writeFile(path, 'this is a text file, not an image\n'.repeat(20));
      await assert.rejects(reader(path), expectInputError(path, name));
      await assert.rejects(fileInfo(path), expectInputError(path, `${name} (fileInfo)`));
    }
    const missing = join(dir, 'missing.nii');
    await assert.rejects(readNifti(missing), /no such file/);
    await assert.rejects(fileInfo(dir), expectInputError(dir, 'folder'));
  } finally {
    await done();
  }
});

const dcm = dataset('dicom-small');
test('bad input: formats swapped between readers name what the file is', { skip: dcm.skip }, async () => {
  const { dir, done } = await tempDir();
  try {
    const path = join(dir, 'ct.png');
    await copyFile(join(dcm.path!, 'CT_small.dcm'), path);
    await assert.rejects(readImage(path), /is a DICOM file, not a PNG\/JPEG\/TIFF image/);
    await assert.rejects(readNifti(path), /is a DICOM file, not NIfTI/);
    assert.equal((await fileInfo(path)).kind, 'dicom'); // content decides, not the name
  } finally {
    await done();
  }
});
