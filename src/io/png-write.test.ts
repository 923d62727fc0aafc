import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { OptionError } from '../util/errors.js';
import { readImage } from './image-read.js';
import { writePng } from './png-write.js';
import type { ChannelCount, Image2D } from './types.js';
import { tempDir } from './io-fixtures-support.js';

for (const bitDepth of [8, 16] as const) {
  for (const channels of [1, 2, 3, 4] as ChannelCount[]) {
    test(`writePng ${bitDepth}-bit ${channels}-channel: PNG colour type and bit depth, values exact`, async () => {
      const { dir, done } = await tempDir();
      try {
        const [w, h] = [7, 5];
        const n = w * h * channels;
        const data = bitDepth === 16 ? Uint16Array.from({ length: n }, (_, i) => (i * 4099) % 65536) : Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256);
        const path = join(dir, 'out.png');
        await writePng(path, { width: w, height: h, channels, bitDepth, data });
        const meta = await sharp(path).metadata();
        assert.equal(meta.bitsPerSample, bitDepth);
        assert.equal(meta.channels, channels);
        assert.equal(meta.hasAlpha, channels === 2 || channels === 4);
        const back = await readImage(path);
        assert.deepEqual([back.channels, back.bitDepth], [channels, bitDepth]);
        assert.deepEqual(Array.from(back.data), Array.from(data));
        assert.deepEqual(await readdir(dir), ['out.png']); // no temporary file left
      } finally {
        await done();
      }
    });
  }
}

test('writePng with a bad image throws OptionError and leaves an existing file untouched', async () => {
  const { dir, done } = await tempDir();
  try {
    const path = join(dir, 'keep.png');
    await writeFile(path, 'old');
    const bad: Image2D = { width: 4, height: 4, channels: 1, bitDepth: 8, data: new Uint8Array(15) };
    await assert.rejects(writePng(path, bad), OptionError);
    await assert.rejects(writePng(path, { ...bad, data: new Uint16Array(16) as unknown as Uint8Array }), OptionError);
    assert.equal(await readFile(path, 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['keep.png']);
    // a missing parent folder is created, and only the finished file appears in it
    await writePng(join(dir, 'new-dir', 'x.png'), { ...bad, data: new Uint8Array(16) });
    assert.deepEqual((await readdir(dir)).sort(), ['keep.png', 'new-dir']);
    assert.deepEqual(await readdir(join(dir, 'new-dir')), ['x.png']);
  } finally {
    await done();
  }
});
