// RandForegroundCrop: known boxes around a single foreground pixel (inside and at the border), the
// uniform fallback, image and mask cut by the same box, and the share of crops holding the pixel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng, type ImageTensorLike, type Sample } from '../../data/index.js';
import { RandForegroundCrop } from './foreground-crop.js';

/** 64×64 sample: image value = y·64 + x, mask 1 at the given pixels only. */
function sample(fg: [number, number][]): Sample {
  const image: ImageTensorLike = { width: 64, height: 64, channels: 1, data: Float32Array.from({ length: 4096 }, (_, i) => i) };
  const mask: ImageTensorLike = { width: 64, height: 64, channels: 1, data: new Float32Array(4096) };
  for (const [y, x] of fg) mask.data[y * 64 + x] = 1;
  return { image, mask };
}
const params = (centre: boolean, pick = 0) => ({ x: 3, y: 5, width: 16, height: 16, centre, pick });

test('centred crop: the box is centred on the foreground pixel, clamped at the border; image and mask share it', () => {
  const t = new RandForegroundCrop(16, 1);
  // pixel (y 40, x 50): box x 50 − 8 = 42, y 40 − 8 = 32, so the pixel lands at (8, 8) and the image's first value is 32·64 + 42
  let out = t.apply(sample([[40, 50]]), params(true));
  assert.equal(out.image.data[0], 32 * 64 + 42);
  assert.equal(out.mask!.data[8 * 16 + 8], 1);
  // pixel (y 0, x 63): box clamped to x 48, y 0
  out = t.apply(sample([[0, 63]]), params(true));
  assert.equal(out.image.data[0], 48);
  assert.equal(out.mask!.data[15], 1);
  // two foreground pixels in scan order (10,10) then (50,50): pick 0.75 chooses the second
  out = t.apply(sample([[10, 10], [50, 50]]), params(true, 0.75));
  assert.equal(out.image.data[0], 42 * 64 + 42);
});

test('uniform box when not centring or when the mask holds no foreground', () => {
  const t = new RandForegroundCrop(16, 1);
  assert.equal(t.apply(sample([[40, 50]]), params(false)).image.data[0], 5 * 64 + 3);
  assert.equal(t.apply(sample([]), params(true)).image.data[0], 5 * 64 + 3);
});

test('share of crops that hold a single foreground pixel follows foregroundShare (uniform control ≈ 0.1)', () => {
  const s = sample([[30, 30]]);
  const share = (p: number): number => {
    const t = new RandForegroundCrop(16, p);
    const rng = new Rng(7);
    let hit = 0;
    for (let i = 0; i < 400; i++) if (t.apply(s, t.randomize(rng, { width: 64, height: 64, channels: 1 })).mask!.data.some((v) => v > 0)) hit++;
    return hit / 400;
  };
  const uniform = share(0);
  const half = share(0.5);
  // uniform: 16·16 of the 49·49 top-left corners cover the pixel ≈ 0.107; half: 0.5 + 0.5·0.107 ≈ 0.55
  assert.ok(uniform > 0.05 && uniform < 0.17, `uniform share ${uniform}`);
  assert.ok(half > 0.47 && half < 0.63, `half share ${half}`);
  assert.equal(share(1), 1);
});

test('bad options are refused', () => {
  assert.throws(() => new RandForegroundCrop(0, 0.5), /size/);
  assert.throws(() => new RandForegroundCrop(16, 1.5), /foregroundShare/);
  assert.throws(() => new RandForegroundCrop(80, 0.5).randomize(new Rng(0), { width: 64, height: 64, channels: 1 }), /larger/);
});
