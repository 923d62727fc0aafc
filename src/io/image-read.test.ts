import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { InputError } from '../util/errors.js';
import { dataset } from '../util/data-root.js';
import { readImage, readImageStack } from './image-read.js';
import { fixture, tempDir } from './io-fixtures-support.js';

interface ImageRef {
  mode: string;
  width: number;
  height: number;
  channels: number;
  channelSums: number[];
  samples: Array<[number, number, number[]]>;
}

const refs = fixture<ImageRef>('images');

for (const [rel, ref] of Object.entries(refs)) {
  const ds = dataset(rel.split('/')[0]);
  test(`readImage agrees with Pillow on ${rel} (${ref.mode})`, { skip: ds.skip }, async () => {
    const img = await readImage(join(ds.path!, '..', rel));
    assert.deepEqual([img.width, img.height, img.channels, img.bitDepth], [ref.width, ref.height, ref.channels, 8]);
    const sums = new Array(img.channels).fill(0);
    for (let i = 0; i < img.data.length; i++) sums[i % img.channels] += img.data[i];
    assert.deepEqual(sums, ref.channelSums);
    for (const [y, x, v] of ref.samples) {
      const at = (y * img.width + x) * img.channels;
      assert.deepEqual(Array.from(img.data.subarray(at, at + img.channels)), v, `pixel (${y},${x})`);
    }
  });
}

/** Raw pixels of `pages` pages, each w x h x c, value pattern distinct per page/position/channel. */
function pattern(pages: number, w: number, h: number, c: number, sixteen: boolean): Uint8Array | Uint16Array {
  const n = pages * w * h * c;
  return sixteen ? Uint16Array.from({ length: n }, (_, i) => (i * 2731 + 17) % 65536) : Uint8Array.from({ length: n }, (_, i) => (i * 37 + 3) % 256);
}

for (const [c, sixteen] of [
  [1, false],
  [3, false],
  [1, true],
  [4, true],
] as const) {
  test(`readImageStack: ${c}-channel ${sixteen ? 16 : 8}-bit 3-page TIFF, every page exact`, async () => {
    const { dir, done } = await tempDir();
    try {
      const [w, h, pages] = [5, 4, 3];
      const data = pattern(pages, w, h, c, sixteen);
      const path = join(dir, 'stack.tif');
      const space = sixteen ? (c === 1 ? 'grey16' : 'rgb16') : c === 1 ? 'b-w' : 'srgb';
      await sharp(data, { raw: { width: w, height: h * pages, channels: c, pageHeight: h } })
        .toColourspace(space)
        .tiff({ compression: 'lzw' })
        .toFile(path);
      const stack = await readImageStack(path);
      assert.deepEqual([stack.width, stack.height, stack.channels, stack.bitDepth, stack.pages.length], [w, h, c, sixteen ? 16 : 8, pages]);
      const per = w * h * c;
      stack.pages.forEach((p, i) => assert.deepEqual(Array.from(p.data), Array.from(data.subarray(i * per, (i + 1) * per)), `page ${i}`));
      const second = await readImage(path, { page: 2 });
      assert.deepEqual(Array.from(second.data), Array.from(data.subarray(2 * per)));
      await assert.rejects(readImage(path, { page: 3 }), InputError);
    } finally {
      await done();
    }
  });
}

test('readImageStack of a single PNG is a stack of one', { skip: dataset('em-isbi2012').skip }, async () => {
  const stack = await readImageStack(join(dataset('em-isbi2012').path!, 'images', '0.png'));
  assert.equal(stack.pages.length, 1);
  assert.equal(stack.pages[0].data.length, 512 * 512);
});
