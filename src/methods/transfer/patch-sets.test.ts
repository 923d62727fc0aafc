import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeNifti } from '../../io/index.js';
import { patchSource, type PatchItem } from '../../data/patch-source.js';
import { InputError, OptionError } from '../../util/errors.js';
import { naturalTask, patchImageSet, scaleVolume } from './patch-sets.js';

const aff = [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]];

test('patchImageSet: every item cut as in the given epoch, labels and groups kept; jitter changes with the epoch only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-psets-'));
  try {
    // value = x + 100 y + 10000 z at voxel (x, y, z): the centre pixel of each plane shows the centre point
    const S = 16;
    const data = new Float32Array(S ** 3);
    for (let z = 0; z < S; z++) for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) data[x + S * (y + S * z)] = x + 100 * y + 10000 * z;
    const file = join(dir, 'v.nii');
    await writeNifti(file, { shape: [S, S, S], affine: aff, data }, { dtype: 'float32' });
    const items: PatchItem[] = [{ volume: file, point: [5, 6, 7], label: 1, group: 's1' }, { volume: file, point: [8, 8, 8], label: 0 }];
    const still = await patchImageSet(patchSource(items, { patch: { pixels: 4 } }), items, ['a', 'b']);
    assert.deepEqual([still.count, still.channels, still.size], [2, 3, 4]);
    assert.deepEqual(Array.from(still.labels), [1, 0]);
    assert.deepEqual(still.groups, ['s1', file], 'group, else the volume');
    // pixel (2, 2) of every plane (P/2 = 2) is the centre point: 5 + 600 + 70000
    for (let c = 0; c < 3; c++) assert.equal(still.data[(c * 4 + 2) * 4 + 2], 70605);
    const src = patchSource(items, { patch: { pixels: 4 }, jitter: 3, seed: 9 });
    const e0 = await patchImageSet(src, items, ['a', 'b'], 0);
    const e0b = await patchImageSet(src, items, ['a', 'b'], 0);
    const e1 = await patchImageSet(src, items, ['a', 'b'], 1);
    assert.deepEqual(e0.data, e0b.data, 'same epoch, same patches');
    assert.notDeepEqual(e0.data, e1.data, 'another epoch, another jitter');
    assert.notDeepEqual(e0.data, still.data);
    await assert.rejects(patchImageSet(src, [], ['a']), OptionError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scaleVolume: 1st..99th percentile of non-zero voxels to [0, 1]', () => {
  const data = Float32Array.from({ length: 201 }, (_, i) => i); // 0 (ignored), 1 .. 200
  const v = scaleVolume({ shape: [201, 1, 1], spacing: [1, 1, 1], affine: aff, data });
  assert.equal(v.data[0], 0);
  assert.equal(v.data[200], 1);
  assert.ok(Math.min(...v.data) === 0 && Math.max(...v.data) === 1);
  assert.ok(v.data[100] > 0.45 && v.data[100] < 0.55);
});

test('naturalTask: one class per image, training crops never touch the test strip, seeded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-natural-'));
  try {
    // 80 x 40 RGB images whose red channel is the column (0..79) and green the image number
    const W = 80;
    const H = 40;
    for (let k = 0; k < 3; k++) {
      const px = Buffer.alloc(W * H * 3);
      for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) px.set([c, 50 * k, 255], (r * W + c) * 3);
      await sharp(px, { raw: { width: W, height: H, channels: 3 } }).png().toFile(join(dir, `img${k}.png`));
    }
    const t = await naturalTask(dir, { classes: 2, perClass: 6, pixels: 16, testShare: 0.25 }, 4);
    assert.deepEqual(t.classes, ['img0', 'img1']);
    const split = Math.floor(W * 0.75); // 60: test crops from columns 60..79, training from 0..59
    const check = (s: ReturnType<typeof t.trainSet>, side: 'train' | 'test'): void => {
      assert.deepEqual([s.count, s.channels, s.size], [12, 3, 16]);
      assert.deepEqual(Array.from(s.labels), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
      for (let i = 0; i < s.count; i++) {
        const red = s.data.subarray(i * 768, i * 768 + 256).map((v) => Math.round(v * 255));
        const green = Math.round(s.data[i * 768 + 256] * 255);
        assert.equal(green, 50 * s.labels[i], 'the crop comes from its class image');
        if (side === 'train') assert.ok(Math.max(...red) < split, `training crop reaches column ${Math.max(...red)}`);
        else assert.ok(Math.min(...red) >= split, `test crop starts at column ${Math.min(...red)}`);
      }
    };
    check(t.trainSet(0), 'train');
    check(t.test, 'test');
    assert.deepEqual(t.trainSet(2).data, t.trainSet(2).data);
    assert.notDeepEqual(t.trainSet(2).data, t.trainSet(3).data, 'new crops each epoch');
    assert.deepEqual((await naturalTask(dir, { classes: 2, perClass: 6, pixels: 16 }, 4)).test.data, t.test.data, 'same seed, same test crops');
    await assert.rejects(naturalTask(dir, { classes: 5 }), (e: Error) => e instanceof InputError && /holds 3 images, 5 classes/.test(e.message));
    await assert.rejects(naturalTask(dir, { classes: 2, pixels: 32 }), (e: Error) => e instanceof InputError && /too small/.test(e.message));
    await assert.rejects(naturalTask(dir, { classes: 2, testShare: 1 }), OptionError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
