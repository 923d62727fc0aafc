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

test('RandAffine: same rng, same parameters and output; the mask is warped with the image (aligned) and stays integral', () => {
  const t = new RandAffine({ prob: 1, rotate: 30, translate: 0.1 });
  const N = 16;
  // An off-centre disc; the image's one channel holds the same 0/1 values as the mask.
  const inDisc = (y: number, x: number): number => ((x - 10) ** 2 + (y - 6) ** 2 <= 16 ? 1 : 0);
  const mask = planes(1, N, N, (_, y, x) => inDisc(y, x));
  const image = planes(1, N, N, (_, y, x) => inDisc(y, x));
  const a = t.randomize(new Rng(9), image);
  assert.deepEqual(a, t.randomize(new Rng(9), image));
  assert.ok(a && Math.abs(a.angle) <= 30 && a.scale >= 0.9 && a.scale <= 1.1 && Math.abs(a.tx) <= 0.1 * N && Math.abs(a.ty) <= 0.1 * N);
  assert.ok(Math.abs(a.angle) > 5, `a visible turn (${a.angle}°), so a misplaced mask shows`);
  const out = t.apply({ image, mask }, a);
  assert.deepEqual(out, t.apply({ image, mask }, a));
  const m = out.mask!.data;
  assert.ok(m.every((v) => v === 0 || v === 1));
  // Known answer for the mask, from the documented geometry (not from inverseAffineMatrix): output
  // pixel p samples the input at c + R(-angle) (p - c - t) / scale, R(-angle) (u, v) =
  // (cos u - sin v, sin u + cos v) with rows down, nearest pixel, 0 outside.
  const rad = (a.angle * Math.PI) / 180;
  const c = (N - 1) / 2;
  let moved = 0;
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const u = x - c - a.tx;
      const v = y - c - a.ty;
      const sx = Math.round(c + (Math.cos(rad) * u - Math.sin(rad) * v) / a.scale);
      const sy = Math.round(c + (Math.sin(rad) * u + Math.cos(rad) * v) / a.scale);
      const want = sx >= 0 && sx < N && sy >= 0 && sy < N ? inDisc(sy, sx) : 0;
      assert.equal(m[y * N + x], want, `mask at (${x}, ${y})`);
      if (want !== inDisc(y, x)) moved++;
    }
  }
  assert.ok(moved >= 4, `the warp moved the disc (${moved} pixels changed)`);
  // Aligned with the image: where the bilinear image is exactly 0 or 1 (all its neighbours agree),
  // the nearest-neighbour mask holds the same value.
  let agree = 0;
  out.image.data.forEach((v, i) => {
    if (v === 0 || v === 1) {
      assert.equal(m[i], v, `pixel ${i}: image ${v}, mask ${m[i]}`);
      if (v === 1) agree++;
    }
  });
  assert.ok(agree >= 10, `${agree} disc pixels where image and mask are both exactly 1`);
  assert.equal(new RandAffine({ prob: 0 }).randomize(new Rng(1), img), null);
  assert.throws(() => new RandAffine({ scale: [1.2, 1.1] }), /scale/);
});
