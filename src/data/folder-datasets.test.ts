import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { dataset } from '../util/data-root.js';
import { InputError } from '../util/errors.js';
import { classFolderDataset, fileStem, pairedFolderDataset, volumePairDataset } from './folder-datasets.js';
import { loadImage, loadMask } from './image-load.js';
import { tempDir, touch, writeGreyPng } from './fixtures-support.js';

test('classFolderDataset: classes sorted, labels index them, non-images ignored', async () => {
  const { dir, done } = await tempDir();
  try {
    await writeGreyPng(join(dir, 'beta', 'b1.png'), 4, 4);
    await writeGreyPng(join(dir, 'alpha', 'a2.PNG'), 4, 4);
    await writeGreyPng(join(dir, 'alpha', 'a1.png'), 4, 4);
    await touch(join(dir, 'alpha', 'notes.txt'));
    const ds = await classFolderDataset(dir);
    assert.deepEqual(ds.classes, ['alpha', 'beta']);
    assert.deepEqual(
      ds.items.map((i) => [i.className, i.label, i.path.slice(dir.length + 1)]),
      [
        ['alpha', 0, 'alpha/a1.png'],
        ['alpha', 0, 'alpha/a2.PNG'],
        ['beta', 1, 'beta/b1.png'],
      ],
    );
    const held = await classFolderDataset(dir, { classes: ['beta'] });
    assert.deepEqual(held.items.map((i) => i.label), [0]);
    await assert.rejects(classFolderDataset(dir, { classes: ['gamma'] }), /gamma: class folder does not exist/);
    await touch(join(dir, 'empty', 'x.txt'));
    await assert.rejects(classFolderDataset(dir), (e: unknown) => e instanceof InputError && /empty: holds no images/.test(e.message));
    await assert.rejects(classFolderDataset(join(dir, 'nope')), InputError);
  } finally {
    await done();
  }
});

test('pairedFolderDataset: pairs by stem; names the unpaired or mis-sized file', async () => {
  const { dir, done } = await tempDir();
  try {
    await writeGreyPng(join(dir, 'img', '1.png'), 4, 3);
    await writeGreyPng(join(dir, 'img', '2.png'), 4, 3);
    await writeGreyPng(join(dir, 'msk', '1_mask.png'), 4, 3);
    await writeGreyPng(join(dir, 'msk', '2_mask.png'), 4, 3);
    const pairs = await pairedFolderDataset(join(dir, 'img'), join(dir, 'msk'), { maskSuffix: '_mask' });
    assert.deepEqual(pairs.map((p) => [p.stem, basename(p.image), basename(p.mask)]), [
      ['1', '1.png', '1_mask.png'],
      ['2', '2.png', '2_mask.png'],
    ]);
    await writeGreyPng(join(dir, 'img', '3.png'), 4, 3);
    await assert.rejects(pairedFolderDataset(join(dir, 'img'), join(dir, 'msk'), { maskSuffix: '_mask' }), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.file, join(dir, 'img', '3.png'));
      assert.match(e.message, /has no mask named 3_mask/);
      return true;
    });
    await writeGreyPng(join(dir, 'msk', '3_mask.png'), 5, 3);
    await assert.rejects(pairedFolderDataset(join(dir, 'img'), join(dir, 'msk'), { maskSuffix: '_mask' }), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.file, join(dir, 'msk', '3_mask.png'));
      assert.match(e.message, /mask is 5x3 but its image .* is 4x3/);
      return true;
    });
    await writeGreyPng(join(dir, 'msk', '4_mask.png'), 4, 3);
    await assert.rejects(pairedFolderDataset(join(dir, 'img'), join(dir, 'msk'), { maskSuffix: '_mask', checkSizes: false }), /4_mask.png: has no image named 4/);
  } finally {
    await done();
  }
});

test('fileStem drops double extensions', () => {
  assert.equal(fileStem('/a/IXI059-HH-1284_T1.nii.gz'), 'IXI059-HH-1284_T1');
  assert.equal(fileStem('x.y.png'), 'x.y');
});

const sem = dataset('sem-ncm');
test('sem-ncm: 4 classes, 45 images each', { skip: sem.skip }, async () => {
  const ds = await classFolderDataset(sem.path!);
  assert.deepEqual(ds.classes, ['NCM333', 'NCM523', 'NCM622', 'NCM811']);
  for (let c = 0; c < 4; c++) assert.equal(ds.items.filter((i) => i.label === c).length, 45);
});

const isbi = dataset('em-isbi2012');
test('em-isbi2012: 24 image/label pairs; a mask loads as 0/1 classes of the same size', { skip: isbi.skip }, async () => {
  const pairs = await pairedFolderDataset(join(isbi.path!, 'images'), join(isbi.path!, 'labels'));
  assert.equal(pairs.length, 24);
  const p = pairs[0];
  const [img, mask] = await Promise.all([loadImage(p.image), loadMask(p.mask, { values: 127 })]);
  assert.deepEqual([img.channels, img.height, img.width], [1, 512, 512]);
  assert.deepEqual([mask.channels, mask.height, mask.width], [1, 512, 512]);
  const ones = mask.data.reduce((s, v) => s + v, 0);
  // labels: 0 = membrane, 255 = cell; cells are the majority of pixels
  assert.ok(ones > 0.5 * mask.data.length && ones < mask.data.length, `cell fraction ${ones / mask.data.length}`);
  assert.ok(mask.data.every((v) => v === 0 || v === 1));
});

const regions = dataset('ixi-t1-regions');
test('ixi-t1-regions: 16 volume/label pairs matched with a suffix', { skip: regions.skip }, async () => {
  const pairs = await volumePairDataset(join(regions.path!, 't1'), join(regions.path!, 'labels'), { labelSuffix: '_DLMUSE' });
  assert.equal(pairs.length, 16);
  assert.ok(pairs.every((p) => p.label.endsWith(`${p.stem}_DLMUSE.nii.gz`)));
  await assert.rejects(volumePairDataset(join(regions.path!, 't1'), join(regions.path!, 'labels')), /has no label volume named/);
});
