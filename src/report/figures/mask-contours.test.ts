import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskContours } from './mask-contours.js';

const image = { width: 4, height: 4, channels: 1, data: new Uint8Array(16).fill(128) };
const square = { width: 4, height: 4, channels: 1, data: Uint8Array.from({ length: 16 }, (_, p) => (p % 4 >= 1 && p % 4 <= 2 && p >> 2 >= 1 && p >> 2 <= 2 ? 255 : 0)) };

test('each mask becomes one closed contour path in its colour, with a legend line', async () => {
  const svg = await maskContours.render({ image, masks: [{ mask: square, name: 'truth', color: '#ff0000' }] }, { width: 40 });
  const paths = svg.match(/<path d="[^"]*Z" fill="none" stroke="#ff0000"/g) ?? [];
  assert.equal(paths.length, 1);
  assert.ok(svg.includes('>truth</text>'));
});

test('masks of the wrong size and colours that are not CSS colours are refused', async () => {
  await assert.rejects(maskContours.render({ image, masks: [{ mask: { width: 2, height: 2, channels: 1, data: new Uint8Array(4) } }] }), /masks\[0\]: must be one channel of 4×4/);
  await assert.rejects(maskContours.render({ image, masks: [{ mask: square, color: '"/><script>' }] }), /not a CSS colour/);
});
