import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { liveTensors } from '../engine/index.js';
import { dataset } from '../util/data-root.js';
import { classFolderDataset, pairedFolderDataset } from './folder-datasets.js';
import { collate } from './collate.js';
import { DataLoader, type ItemSource } from './loader.js';
import { pairSource, tileSource } from './sources.js';
import { tileFiles } from './tiling.js';
import { RandCompose, RandCrop, RandFlip } from './transforms/index.js';
import type { Sample } from './types.js';

/** n items; item i is a 1x2x2 image filled with i, label i % 3; loads after `delay` ms, logging events. */
function fakeSource(n: number, delay = 0, log?: string[]): ItemSource {
  return {
    size: n,
    labelOf: (i) => i % 3,
    async load(i): Promise<Sample> {
      log?.push(`start ${i}`);
      if (delay) await sleep(delay);
      log?.push(`end ${i}`);
      return { image: { data: new Float32Array(4).fill(i), channels: 1, height: 2, width: 2 }, label: i % 3 };
    },
  };
}

async function collect(loader: DataLoader, epoch: number): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of loader.epoch(epoch)) {
    // the tensor holds the items' values in batch order
    assert.deepEqual((b.images.toArray() as number[][][][]).map((im) => im[0][0][0]), b.indices);
    out.push(b.indices);
    b.dispose();
  }
  return out;
}

test('each epoch covers every item once; same seed, same order; epochs differ; dropLast', async () => {
  const src = fakeSource(23);
  const a = await collect(new DataLoader(src, { batchSize: 5, seed: 1 }), 0);
  assert.deepEqual(a.map((b) => b.length), [5, 5, 5, 5, 3]);
  assert.deepEqual(a.flat().sort((x, y) => x - y), Array.from({ length: 23 }, (_, i) => i));
  assert.deepEqual(await collect(new DataLoader(src, { batchSize: 5, seed: 1 }), 0), a);
  assert.notDeepEqual(await collect(new DataLoader(src, { batchSize: 5, seed: 1 }), 1), a);
  assert.notDeepEqual(await collect(new DataLoader(src, { batchSize: 5, seed: 2 }), 0), a);
  const dropped = await collect(new DataLoader(src, { batchSize: 5, seed: 1, dropLast: true }), 0);
  assert.deepEqual(dropped, a.slice(0, 4));
  assert.deepEqual((await collect(new DataLoader(src, { batchSize: 10, order: 'sequential' }), 3)).flat(), Array.from({ length: 23 }, (_, i) => i));
});

test('prefetch overlaps: the next batch loads while the current one trains', async () => {
  const run = async (prefetch: number): Promise<string[]> => {
    const log: string[] = [];
    const loader = new DataLoader(fakeSource(6, 10, log), { batchSize: 2, order: 'sequential', prefetch });
    for await (const b of loader) {
      log.push(`got ${b.indices[0] / 2}`);
      await sleep(40); // a training step that yields to the event loop, as async engine calls do
      log.push(`done ${b.indices[0] / 2}`);
      b.dispose();
    }
    return log;
  };
  const on = await run(1);
  // batch 1 (items 2, 3) finished loading before the step on batch 0 finished
  assert.ok(on.indexOf('end 3') < on.indexOf('done 0'), on.join(', '));
  assert.ok(on.indexOf('start 2') < on.indexOf('got 0'), on.join(', '));
  const off = await run(0);
  assert.ok(off.indexOf('start 2') > off.indexOf('done 0'), off.join(', '));
});

test('no tensors leak: live count returns to baseline after disposing batches (also on early exit)', async () => {
  const base = liveTensors();
  const loader = new DataLoader(fakeSource(10), { batchSize: 3 });
  for await (const b of loader) {
    using _ = b;
    assert.equal(liveTensors(), base + 2); // images and labels
  }
  assert.equal(liveTensors(), base);
  for await (const b of loader.epoch(1)) {
    b.dispose();
    break;
  }
  assert.equal(liveTensors(), base);
});

test('a failing item rejects the epoch without unhandled rejections', async () => {
  const src: ItemSource = { ...fakeSource(8), load: async (i) => (i === 5 ? Promise.reject(new Error('bad item 5')) : fakeSource(8).load(i, undefined as never)) };
  const loader = new DataLoader(src, { batchSize: 2, order: 'sequential', prefetch: 3 });
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const b of loader) {
      seen.push(...b.indices);
      b.dispose();
    }
  }, /bad item 5/);
  assert.deepEqual(seen, [0, 1, 2, 3]);
});

test('balanced sampling makes rare classes as frequent as common ones', async () => {
  // 90 items of class 0, 10 of class 1
  const labels = Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : 1));
  const src: ItemSource = { ...fakeSource(100), labelOf: (i) => labels[i] };
  const loader = new DataLoader(src, { batchSize: 50, order: 'balanced', seed: 3, samplesPerEpoch: 2000 });
  const idx = loader.batchIndices(0).flat();
  assert.equal(idx.length, 2000);
  const rare = idx.filter((i) => labels[i] === 1).length / idx.length;
  // expected 0.5, sd sqrt(0.25/2000) ≈ 0.011
  assert.ok(Math.abs(rare - 0.5) < 0.05, `rare fraction ${rare}`);
  assert.deepEqual(loader.batchIndices(0), new DataLoader(src, { batchSize: 50, order: 'balanced', seed: 3, samplesPerEpoch: 2000 }).batchIndices(0));
  assert.throws(() => new DataLoader({ size: 1, load: fakeSource(1).load }, { order: 'balanced' }), /labelOf/);
});

test('collate: NCHW float32 images, int64 labels and masks; mixed sizes are an error', () => {
  const mask = { data: Float32Array.of(0, 1, 2, 1), channels: 1, height: 2, width: 2 };
  const image = { data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), channels: 2, height: 2, width: 2 };
  using b = collate([{ image, mask, label: 4 }, { image, mask, label: 1 }], [7, 9]);
  assert.deepEqual([b.images.shape, b.images.dtype, b.labels!.dtype, b.masks!.shape, b.masks!.dtype], [[2, 2, 2, 2], 'float32', 'int64', [2, 2, 2], 'int64']);
  assert.deepEqual((b.labels!.toArray() as unknown[]).map(Number), [4, 1]);
  assert.deepEqual((b.masks!.toArray() as unknown[][]).map((m) => m.flat().map(Number)), [
    [0, 1, 2, 1],
    [0, 1, 2, 1],
  ]);
  const small = { data: new Float32Array(2), channels: 2, height: 1, width: 1 };
  assert.throws(() => collate([{ image }, { image: small }], [0, 1]), /item 1 is 2x1x1, the batch is 2x2x2/);
  assert.throws(() => collate([{ image, mask: { ...mask, data: Float32Array.of(0.5, 0, 0, 0) } }], [3]), /item 3 holds 0.5/);
});

const isbi = dataset('em-isbi2012');
test('em-isbi2012: augmented image/mask batches stay aligned', { skip: isbi.skip }, async () => {
  const pairs = (await pairedFolderDataset(join(isbi.path!, 'images'), join(isbi.path!, 'labels'))).slice(0, 8);
  const transform = new RandCompose([new RandCrop({ height: 128 }), new RandFlip()]);
  const base = liveTensors();
  const loader = new DataLoader(pairSource(pairs, { mask: { values: 127 }, transform }), { batchSize: 4, seed: 5 });
  let n = 0;
  for await (const b of loader) {
    assert.deepEqual([b.images.shape, b.masks!.shape], [
      [4, 1, 128, 128],
      [4, 128, 128],
    ]);
    // membranes (mask 0) are dark in the EM image: mean intensity on cells clearly above on membranes
    const img = (b.images.toArray() as number[][][][]).map((x) => x[0].flat());
    const msk = (b.masks!.toArray() as unknown[][][]).map((x) => x.flat().map(Number));
    for (let k = 0; k < 4; k++) {
      const mean = (cls: number): number => {
        const v = img[k].filter((_, i) => msk[k][i] === cls);
        return v.reduce((s, x) => s + x, 0) / v.length;
      };
      assert.ok(mean(1) > mean(0) + 0.1, `item ${b.indices[k]}: cell ${mean(1)} vs membrane ${mean(0)}`);
    }
    n += b.indices.length;
    b.dispose();
  }
  assert.equal(n, 8);
  assert.equal(liveTensors(), base);
});

const sem = dataset('sem-ncm');
test('sem-ncm: tiles of bar-cropped images batch with their source label', { skip: sem.skip }, async () => {
  const ds = await classFolderDataset(sem.path!);
  const items = ds.items.filter((_, i) => i % 45 < 2); // two images per class
  const tiles = await tileFiles(items.map((i) => i.path), { tileSize: 224, crop: { x: 0, y: 0, width: 1280, height: 894 } });
  // 5 columns x 3 rows of 224 tiles per image
  assert.equal(tiles.length, 8 * 15);
  const loader = new DataLoader(tileSource(tiles, (s) => items[s].label), { batchSize: 32, seed: 0 });
  let count = 0;
  for await (const b of loader) {
    assert.deepEqual(b.images.shape.slice(1), [1, 224, 224]);
    assert.deepEqual((b.labels!.toArray() as unknown[]).map(Number), b.indices.map((i) => items[tiles[i].source].label));
    count += b.indices.length;
    b.dispose();
  }
  assert.equal(count, 120);
});
