import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitText, imageGrid } from './image-grid.js';

test('grid lays out columns × rows and embeds one PNG per image', async () => {
  const img = { width: 2, height: 1, channels: 1, data: Uint8Array.from([0, 255]) };
  const svg = await imageGrid.render({ images: [{ image: img }, { image: img }, { image: img }] }, { columns: 2, cellWidth: 100, gap: 10 });
  // width = gap + 2·(100 + gap) = 230; cell height = 100·(1/2) = 50; height = gap + 2·(50 + gap) = 130
  assert.match(svg, /width="230" height="130"/);
  assert.equal((svg.match(/<image [^>]* href="data:image\/png;base64,/g) ?? []).length, 3);
});

test('long titles are shortened with an ellipsis; empty and malformed input refused', async () => {
  assert.equal(fitText('short', 100, 11), 'short');
  assert.ok(fitText('a'.repeat(100), 60, 11).endsWith('…'));
  await assert.rejects(imageGrid.render({ images: [] }), /at least one image/);
  await assert.rejects(imageGrid.render({ images: [{ image: { width: 2, height: 2, channels: 1, data: new Uint8Array(3) } }] }), /images\[0\]: data holds 3 values/);
});
