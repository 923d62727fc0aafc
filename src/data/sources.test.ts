import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { liveTensors } from '../engine/index.js';
import { readNifti } from '../io/index.js';
import { dataset } from '../util/data-root.js';
import { InputError } from '../util/errors.js';
import { classFolderDataset } from './folder-datasets.js';
import { DataLoader } from './loader.js';
import { zScore } from './normalize.js';
import { PromiseCache } from './promise-cache.js';
import { labelledImageSource, volumeSliceSource, type SliceItem } from './sources.js';
import { RandFlip } from './transforms/index.js';
import { sliceIndices } from './volume-slices.js';
import { tempDir, writeGreyPng } from './fixtures-support.js';

test('labelledImageSource: prepare then seeded transform; same seed, same batches; a garbled file names itself', async () => {
  const { dir, done } = await tempDir();
  try {
    for (const c of ['a', 'b']) for (let i = 0; i < 3; i++) await writeGreyPng(join(dir, c, `${i}.png`), 4, 4, (x, y) => 10 * x + y + (c === 'b' ? 100 : 0));
    const ds = await classFolderDataset(dir);
    const make = (seed: number): DataLoader =>
      new DataLoader(labelledImageSource(ds.items, { image: { scale: 'none' }, prepare: (img) => ({ ...img, data: zScore(img.data) }), transform: new RandFlip() }), { batchSize: 4, seed });
    const run = async (seed: number): Promise<number[][]> => {
      const out: number[][] = [];
      for await (const b of make(seed)) {
        out.push((b.images.toArray() as number[][][][]).flat(3));
        b.dispose();
      }
      return out;
    };
    const a = await run(1);
    assert.equal(a.length, 2, '6 images in batches of 4: 2 batches');
    assert.deepEqual(await run(1), a);
    assert.notDeepEqual(await run(2), a);
    // z-scored per image: each image's values have mean 0
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(a[0].slice(16 * k, 16 * k + 16).reduce((s, v) => s + v, 0)) < 1e-4);
    await writeFile(join(dir, 'b', '9.png'), 'not a png');
    const bad = await classFolderDataset(dir);
    const base = liveTensors();
    await assert.rejects(async () => {
      for await (const b of new DataLoader(labelledImageSource(bad.items), { batchSize: 7 })) b.dispose();
    }, (e: unknown) => e instanceof InputError && e.file === join(dir, 'b', '9.png'));
    assert.equal(liveTensors(), base);
  } finally {
    await done();
  }
});

test('PromiseCache keeps the most recent entries and forgets failures', async () => {
  const c = new PromiseCache<number>(2);
  let made = 0;
  const make = (v: number) => () => (made++, Promise.resolve(v));
  await c.get('a', make(1));
  await c.get('b', make(2));
  await c.get('a', make(9)); // hit: 'a' becomes most recent
  await c.get('c', make(3)); // evicts 'b'
  assert.equal(made, 3);
  assert.equal(await c.get('a', make(9)), 1);
  assert.equal(await c.get('b', make(5)), 5);
  await assert.rejects(c.get('x', () => Promise.reject(new Error('no'))));
  await new Promise((r) => setImmediate(r));
  assert.equal(await c.get('x', make(7)), 7);
});

const age = dataset('ixi-t1-age');
test('ixi-t1-age: axial slices (axis 1) of young and old subjects batch with their group', { skip: age.skip }, async () => {
  const items: SliceItem[] = [];
  for (const [label, group] of ['young', 'old'].entries()) {
    const file = (await readdir(join(age.path!, group))).filter((f) => f.endsWith('.nii.gz')).sort()[0];
    const path = join(age.path!, group, file);
    const vol = await readNifti(path);
    const before = items.length;
    for (const index of sliceIndices(vol, { axis: 1, threshold: 50, minForeground: 0.1 })) items.push({ path, axis: 1, index, label });
    assert.ok(items.length - before >= 10, `${group}: ${items.length - before} foreground slices in ${file}`);
  }
  const loader = new DataLoader(volumeSliceSource(items), { batchSize: 32, order: 'balanced', seed: 4 });
  let n = 0;
  for await (const b of loader) {
    assert.deepEqual(b.images.shape.slice(1), [1, 90, 120]);
    assert.deepEqual((b.labels!.toArray() as unknown[]).map(Number), b.indices.map((i) => items[i].label));
    n += b.indices.length;
    b.dispose();
  }
  assert.ok(n > 0);
  assert.equal(n, items.length);
});
