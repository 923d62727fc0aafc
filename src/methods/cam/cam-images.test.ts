// camImages on image files with a hand-set classifier whose evidence is known: the left half of a
// 16×16 grey image votes for class 'left', the right half for 'right'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, liveTensors } from '../../engine/index.js';
import { Sequential, Conv2d, ReLU, Flatten, Linear } from '../../nn/index.js';
import { writePng } from '../../io/png-write.js';
import { camMethod } from './registry.js';
import { camImages, meanScores, resolveTargetClass, type CamClassifier } from './cam-images.js';

/**
 * conv 1×1 (weight 1), ReLU, then logits = 8·mean(left half), 8·mean(right half). A 4×4 white
 * square on the left of a black image: logits (8·16/128, 0) = (1, 0), p(left) = σ(1) = 0.7311.
 * Grad-CAM for either class weights the one channel by the mean gradient 8/256 > 0, so both maps
 * are the square; HiResCAM multiplies by the gradient pixel-wise, so for 'right' it is 0.
 */
function classifier(): CamClassifier {
  const net = new Sequential(new Conv2d(1, 1, 1, { bias: false }), new ReLU(), new Flatten(), new Linear(256, 2, false));
  const left = Array.from({ length: 256 }, (_, p) => (p % 16 < 8 ? 8 / 128 : 0));
  net.loadStateDict(new Map([['0.weight', tensor([[[[1]]]])], ['3.weight', tensor([left, left.map((v) => (v === 0 ? 8 / 128 : 0))])]]));
  return { net, classes: ['left', 'right'], channels: 1, preprocess: (img) => img };
}

const inSquare = (p: number): boolean => p % 16 >= 2 && p % 16 < 6 && p >> 4 >= 6 && p >> 4 < 10;

test('camImages: prediction, maps where the evidence is, faithfulness and target by name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-cam-'));
  const model = classifier();
  try {
    const file = join(dir, 'square.png');
    await writePng(file, { width: 16, height: 16, channels: 1, bitDepth: 8, data: Uint8Array.from({ length: 256 }, (_, p) => (inSquare(p) ? 255 : 0)) });
    const before = liveTensors();
    const seen: string[] = [];
    const methods = ['gradcam', 'hirescam'].map(camMethod);
    const [r] = await camImages(model, [file], { methods, layers: ['1'], faithfulness: true, faithfulnessOptions: { baseline: 'zero' } }, async (out) => {
      seen.push(out.result.path);
      assert.deepEqual(out.input.height, 16);
      for (const name of ['gradcam', 'hirescam']) {
        const m = out.maps.get(name)!;
        m.forEach((v, p) => assert.ok(inSquare(p) ? v > 0.99 : v < 1e-6, `${name} pixel ${p}: ${v}`));
      }
    });
    assert.deepEqual(seen, [file]);
    assert.equal(r.predicted.name, 'left');
    assert.ok(Math.abs(r.predicted.probability - 1 / (1 + Math.exp(-1))) < 1e-5);
    assert.deepEqual(r.target, r.predicted);
    for (const name of ['gradcam', 'hirescam']) {
      const s = r.methods[name];
      assert.ok(s.insertionAuc! > s.deletionAuc! + 0.1, `${name}: insertion ${s.insertionAuc} vs deletion ${s.deletionAuc}`);
    }
    const mean = meanScores([r, r]);
    assert.equal(mean.gradcam.deletionAuc, r.methods.gradcam.deletionAuc);
    const right = resolveTargetClass('right', model.classes);
    assert.equal(right, 1);
    await camImages(model, [file], { methods, layers: ['1'], target: right }, async (out) => {
      assert.equal(out.result.target.name, 'right');
      assert.ok(out.maps.get('hirescam')!.every((v) => v === 0), 'no evidence for right: HiResCAM is 0');
      assert.ok(out.maps.get('gradcam')!.some((v) => v > 0.99), 'Grad-CAM channel weight is positive anyway');
    });
    assert.equal(liveTensors(), before, 'no tensor leaks');
  } finally {
    model.net.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resolveTargetClass: names, indices and a one-line error', () => {
  assert.equal(resolveTargetClass('', ['a', 'b']), undefined);
  assert.equal(resolveTargetClass('b', ['a', 'b']), 1);
  assert.equal(resolveTargetClass('0', ['a', 'b']), 0);
  assert.throws(() => resolveTargetClass('2', ['a', 'b']), /--target: '2' is neither a class \(a, b\) nor an index 0..1/);
  assert.throws(() => resolveTargetClass('1.5', ['a', 'b']), /neither a class/);
});
