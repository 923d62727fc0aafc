import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { encodePng, pngDataUri } from './png.js';

test('encodePng round-trips pixels and is deterministic', async () => {
  const px = new Uint8Array([0, 50, 100, 150, 200, 250]);
  const a = await encodePng(px, 3, 2, 1);
  const b = await encodePng(px, 3, 2, 1);
  assert.deepEqual(a, b);
  const { data, info } = await sharp(a).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 3);
  assert.deepEqual([...data.subarray(0, 6 * info.channels)].filter((_, i) => i % info.channels === 0), [...px]);
  assert.match(pngDataUri(a), /^data:image\/png;base64,iVBORw0KGgo/);
});

test('encodePng resizes with nearest neighbour (crisp pixels)', async () => {
  const png = await encodePng(new Uint8Array([0, 255]), 2, 1, 1, { resizeTo: { width: 4, height: 2 } });
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 4);
  assert.deepEqual([...data.subarray(0, 4)], [0, 0, 255, 255]);
});
