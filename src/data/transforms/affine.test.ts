import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../rng.js';
import { at, planes } from '../fixtures-support.js';
import { RandAffine, inverseAffineMatrix, warpPlanes } from './affine.js';
import { rot90Planes } from './flip-rotate.js';

const img = planes(1, 5, 5, (_, y, x) => 5 * y + x);

function warp(p: { angle?: number; scale?: number; tx?: number; ty?: number }, interp: 'linear' | 'nearest' = 'linear', fill = -1) {
  return warpPlanes(img, inverseAffineMatrix({ angle: 0, scale: 1, tx: 0, ty: 0, ...p }, 5, 5), interp, fill);
}

test('identity warp returns the image; a 90° turn equals rot90 (bilinear and nearest)', () => {
  assert.deepEqual(warp({}).data, img.data);
  const r = rot90Planes(img, 1).data;
  const lin = warp({ angle: 90 }).data;
  for (let i = 0; i < r.length; i++) assert.ok(Math.abs(lin[i] - r[i]) < 1e-4, `[${i}] ${lin[i]} vs ${r[i]}`);
  assert.deepEqual(warp({ angle: 90 }, 'nearest').data, r);
});

test('translation shifts content right/down with fill; half-pixel shifts interpolate', () => {
  const t = warp({ tx: 1, ty: 2 });
  // output (x, y) holds input (x - 1, y - 2)
  assert.equal(at(t, 0, 3, 2), 5 * 1 + 1);
  assert.equal(at(t, 0, 1, 2), -1);
  assert.equal(at(t, 0, 3, 0), -1);
  const h = warp({ tx: 0.5 });
  // output (2, 0) is halfway between input x = 1 and 2: (1 + 2) / 2
  assert.equal(at(h, 0, 0, 2), 1.5);
  assert.equal(at(h, 0, 0, 0), 0.5 * -1 + 0.5 * 0);
});

test('scale 2 about the centre: output (3, 2) samples input (2.5, 2)', () => {
  // source = (out - centre) / 2 + centre, centre (2, 2): x = 2 + 1/2 = 2.5
  assert.equal(at(warp({ scale: 2 }), 0, 2, 3), 5 * 2 + 2.5);
});

test('RandAffine: same rng, same parameters and output; mask stays integral and aligned', () => {
  const t = new RandAffine({ prob: 1, rotate: 30, translate: 0.1 });
  const mask = planes(1, 5, 5, (_, y, x) => (x >= 2 ? 1 : 0));
  const a = t.randomize(new Rng(9), img);
  assert.deepEqual(a, t.randomize(new Rng(9), img));
  assert.ok(a && Math.abs(a.angle) <= 30 && a.scale >= 0.9 && a.scale <= 1.1 && Math.abs(a.tx) <= 0.5);
  const out = t.apply({ image: img, mask }, a);
  assert.ok(out.mask!.data.every((v) => v === 0 || v === 1));
  assert.deepEqual(out, t.apply({ image: img, mask }, a));
  assert.equal(new RandAffine({ prob: 0 }).randomize(new Rng(1), img), null);
  assert.throws(() => new RandAffine({ scale: [1.2, 1.1] }), /scale/);
});
