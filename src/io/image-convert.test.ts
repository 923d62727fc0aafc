import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OptionError } from '../util/errors.js';
import { dataset } from '../util/data-root.js';
import { toFloatPlanes, toGrey } from './image-convert.js';
import { readImage } from './image-read.js';
import type { Image2D } from './types.js';

// Two RGB pixels: pure red (255,0,0) and (10,20,30).
const rgb: Image2D = { width: 2, height: 1, channels: 3, bitDepth: 8, data: Uint8Array.from([255, 0, 0, 10, 20, 30]) };

test('toGrey luminance: BT.601 weights, rounded (known answer)', () => {
  // 0.299*255 = 76.245 → 76; 0.299*10 + 0.587*20 + 0.114*30 = 18.15 → 18.
  assert.deepEqual(Array.from(toGrey(rgb).data), [76, 18]);
  assert.deepEqual(Array.from(toGrey(rgb, { method: 'channel0' }).data), [255, 10]);
});

test('toGrey keeps grey stored as RGB exactly, also at 16 bits', () => {
  const g16: Image2D = { width: 3, height: 1, channels: 4, bitDepth: 16, data: Uint16Array.from([0, 0, 0, 9, 65535, 65535, 65535, 9, 1234, 1234, 1234, 9]) };
  const out = toGrey(g16);
  assert.equal(out.bitDepth, 16);
  assert.ok(out.data instanceof Uint16Array);
  assert.deepEqual(Array.from(out.data), [0, 65535, 1234]);
  assert.throws(() => toGrey(rgb, { method: 'mean' as 'luminance' }), OptionError);
});

test('toFloatPlanes: [H,W,C] → [C,H,W], unit scale, optional alpha drop (known answer)', () => {
  // 1x2 grey+alpha: pixels (51, 255) and (102, 0).
  const ga: Image2D = { width: 2, height: 1, channels: 2, bitDepth: 8, data: Uint8Array.from([51, 255, 102, 0]) };
  const p = toFloatPlanes(ga);
  assert.equal(p.channels, 2);
  assert.deepEqual(Array.from(p.data), [0.2, 0.4, 1, 0].map(Math.fround));
  assert.deepEqual(Array.from(toFloatPlanes(ga, { dropAlpha: true, scale: 'none' }).data), [51, 102]);
});

const sem = dataset('sem-ncm');
test('SEM JPEG (grey content stored as RGB): luminance and channel 0 agree on average', { skip: sem.skip }, async () => {
  const img = await readImage(join(sem.path!, 'NCM333', 'NCM333_1157.jpg'));
  const lum = toGrey(img).data;
  const c0 = toGrey(img, { method: 'channel0' }).data;
  let diff = 0;
  for (let i = 0; i < lum.length; i++) diff += Math.abs(lum[i] - c0[i]);
  // Chroma subsampling leaves small colour fringes at edges; on average the channels agree.
  const mean = diff / lum.length;
  assert.ok(mean < 1, `mean |luminance - channel0| = ${mean}`);
});
