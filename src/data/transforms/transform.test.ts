import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../rng.js';
import { planes } from '../fixtures-support.js';
import { RandAffine } from './affine.js';
import { RandCrop } from './crop.js';
import { RandFlip, RandRotate90 } from './flip-rotate.js';
import { RandBrightnessContrast, RandGaussianNoise } from './intensity.js';
import { RandCompose, augment, type RandomTransform } from './transform.js';

const image = planes(2, 12, 12, (c, y, x) => (c + 1) * (y * 12 + x));
const mask = planes(1, 12, 12, (_, y, x) => (y * 12 + x) % 3);

const all: RandomTransform<any>[] = [
  new RandFlip(),
  new RandRotate90({ prob: 1 }),
  new RandAffine({ prob: 1 }),
  new RandBrightnessContrast({ prob: 1 }),
  new RandGaussianNoise({ prob: 1 }),
  new RandCrop({ height: 8, width: 6 }),
];

for (const t of all) {
  test(`${t.name}: same seed, same output; input untouched; sizes as announced; mask values kept`, () => {
    const before = image.data.slice();
    const a = augment(t, { image, mask, label: 3 }, Rng.derive(5, 1));
    const b = augment(t, { image, mask, label: 3 }, Rng.derive(5, 1));
    assert.deepEqual(a, b);
    assert.deepEqual(image.data, before);
    assert.equal(a.sample.label, 3);
    const size = t.outputSize ? t.outputSize(image, a.params) : image;
    assert.deepEqual([a.sample.image.channels, a.sample.image.height, a.sample.image.width], [2, size.height, size.width]);
    assert.deepEqual([a.sample.mask!.height, a.sample.mask!.width], [size.height, size.width]);
    assert.ok(a.sample.mask!.data.every((v) => v === 0 || v === 1 || v === 2));
    assert.ok(a.sample.image.data.every(Number.isFinite));
  });
}

test('RandCompose draws all parameters first (tracking sizes), then applies them in order', () => {
  const t = new RandCompose([new RandCrop({ height: 8, width: 6 }), new RandCrop({ height: 4 }), new RandFlip()]);
  const { sample, params } = augment(t, { image, mask }, new Rng(11));
  assert.equal(params.length, 3);
  assert.deepEqual([sample.image.height, sample.image.width], [4, 4]);
  const second = params[1] as { x: number; y: number };
  assert.ok(second.x <= 2 && second.y <= 4, 'second crop placed inside the 6x8 result of the first');
  assert.deepEqual(t.apply({ image, mask }, params), sample);
  assert.throws(() => augment(t, { image, mask: planes(1, 11, 12, () => 0) }, new Rng(0)), /mask: is 1x11x12/);
  assert.throws(() => new RandCrop({ height: 20 }).randomize(new Rng(0), image), /larger than/);
});
