import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dataset } from '../util/data-root.js';
import { classFolderDataset } from './folder-datasets.js';
import { loadImage } from './image-load.js';
import { cropImage, tileFiles, tileGrid, tileMap, tileSources, tilesBySource } from './tiling.js';
import { at, planes, tempDir, writeGreyPng } from './fixtures-support.js';

test('tileGrid: full tiles on the stride grid inside the crop', () => {
  // 10x7 image, crop x 1..8 (w 8), y 0..5 (h 6); tiles 4, stride 2:
  // x starts 0,2,4 (+1) -> 1,3,5; y starts 0,2 -> 0,2
  const t = tileGrid(10, 7, { tileSize: 4, stride: 2, crop: { x: 1, y: 0, width: 8, height: 6 } });
  assert.deepEqual(
    t.map((b) => [b.x, b.y, b.row, b.col]),
    [
      [1, 0, 0, 0],
      [3, 0, 0, 1],
      [5, 0, 0, 2],
      [1, 2, 1, 0],
      [3, 2, 1, 1],
      [5, 2, 1, 2],
    ],
  );
  assert.ok(t.every((b) => b.width === 4 && b.height === 4 && b.source === 0));
});

test("tileGrid edge 'shift' adds a flush last tile; non-square tiles and strides", () => {
  // width 10, tile 4, stride 4: 0,4 then flush 6
  assert.deepEqual(tileGrid(10, 4, { tileSize: 4, edge: 'shift' }).map((b) => b.x), [0, 4, 6]);
  assert.deepEqual(tileGrid(8, 4, { tileSize: 4, edge: 'shift' }).map((b) => b.x), [0, 4]);
  const r = tileGrid(9, 6, { tileSize: { width: 3, height: 2 }, stride: { x: 3, y: 4 } });
  assert.deepEqual(r.map((b) => [b.x, b.y]), [
    [0, 0],
    [3, 0],
    [6, 0],
    [0, 4],
    [3, 4],
    [6, 4],
  ]);
  assert.deepEqual(tileGrid(3, 3, { tileSize: 4 }), []);
});

test('bad tile options and crop boxes are OptionErrors', () => {
  assert.throws(() => tileGrid(10, 10, { tileSize: 0 }), /tileSize/);
  assert.throws(() => tileGrid(10, 10, { stride: 1.5 }), /stride/);
  assert.throws(() => tileGrid(10, 10, { crop: { x: 5, y: 0, width: 6, height: 2 } }), /crop: .*does not fit inside the 10x10 image/);
  assert.throws(() => tileGrid(10, 10, { edge: 'wrap' as 'drop' }), /edge/);
});

test('cropImage copies the box of every channel', () => {
  const img = planes(2, 4, 5, (c, y, x) => 100 * c + 10 * y + x);
  const c = cropImage(img, { x: 1, y: 2, width: 3, height: 2 });
  assert.deepEqual([c.channels, c.height, c.width], [2, 2, 3]);
  assert.deepEqual(Array.from(c.data), [21, 22, 23, 31, 32, 33, 121, 122, 123, 131, 132, 133]);
});

test('tileMap averages overlapping tiles, NaN outside; tilesBySource groups', () => {
  // 4x2 image, tiles of 2x2 at x=0 (value 1) and x=1 (value 3); column 3 uncovered
  const tiles = tileGrid(4, 2, { tileSize: 2, stride: 1, crop: { x: 0, y: 0, width: 3, height: 2 } });
  const m = tileMap(tiles, [1, 3], 4, 2);
  assert.deepEqual(Array.from(m.subarray(0, 3)), [1, 2, 3]);
  assert.ok(Number.isNaN(m[3]));
  const multi = tileSources([{ width: 4, height: 2 }, { width: 2, height: 2 }], { tileSize: 2 });
  assert.deepEqual([...tilesBySource(multi)], [
    [0, [0, 1]],
    [1, [2]],
  ]);
});

test('tileFiles reads sizes from headers; tiles cut from a loaded image hold its pixels', async () => {
  const { dir, done } = await tempDir();
  try {
    const p = join(dir, 'a.png');
    await writeGreyPng(p, 6, 5, (x, y) => 10 * y + x);
    const tiles = await tileFiles([p], { tileSize: 3, crop: { x: 0, y: 0, width: 6, height: 4 } });
    assert.equal(tiles.length, 2);
    assert.ok(tiles.every((t) => t.path === p));
    const img = await loadImage(p, { scale: 'none' });
    const t = cropImage(img, tiles[1]);
    assert.deepEqual([at(t, 0, 0, 0), at(t, 0, 2, 2)], [3, 25]);
  } finally {
    await done();
  }
});

const sem = dataset('sem-ncm');
test('sem-ncm: info bar cropped, 15 tiles of 256 per image, none reaching row 894', { skip: sem.skip }, async () => {
  const ds = await classFolderDataset(sem.path!);
  const paths = ds.items.filter((_, i) => i % 45 === 0).map((i) => i.path); // one per class
  const crop = { x: 0, y: 0, width: 1280, height: 894 };
  const tiles = await tileFiles(paths, { tileSize: 256, crop });
  // columns floor((1280-256)/256)+1 = 5, rows floor((894-256)/256)+1 = 3
  assert.equal(tiles.length, 15 * paths.length);
  assert.ok(tiles.every((t) => t.y + t.height <= 894));
  const shifted = await tileFiles(paths.slice(0, 1), { tileSize: 256, crop, edge: 'shift' });
  assert.equal(shifted.length, 5 * 4);
  assert.equal(Math.max(...shifted.map((t) => t.y + t.height)), 894);
  // The cropped image equals the top 894 rows of the full one; the bar rows differ from the micrograph.
  const full = await loadImage(paths[0]);
  const cropped = await loadImage(paths[0], { crop });
  assert.deepEqual([cropped.height, cropped.width], [894, 1280]);
  assert.deepEqual(cropped.data, full.data.subarray(0, 894 * 1280));
  const tile = cropImage(full, tiles[14]);
  assert.equal(at(tile, 0, 255, 255), at(full, 0, tiles[14].y + 255, tiles[14].x + 255));
});
