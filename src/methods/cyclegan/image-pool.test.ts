// The pool of past fakes on hand cases: pass-through at size 0, filling, the ½ swap rule with
// scripted draws, a batch that fills and swaps, about half old images with a real stream, and a
// save/load round trip that continues identically; bad saved state is a one-line error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { full, tensor, tidy, type Tensor } from '../../engine/index.js';
import { Rng } from '../../data/index.js';
import { ImagePool } from './image-pool.js';

/** A stream whose next() and int() return scripted values. */
function scripted(next: number[], ints: number[]): Rng {
  return { next: () => next.shift()!, int: () => ints.shift()! } as unknown as Rng;
}

/** [1,1,2,2] image of constant v. */
const img = (v: number): Tensor => full([1, 1, 2, 2], v);
const values = (t: Tensor): number[] => Array.from(t.data() as Float32Array);
const noDraws = scripted([], []);

test('size 0 passes the batch through, detached', () => {
  tidy(() => {
    const x = img(3).requiresGrad_();
    const y = new ImagePool(0).query(x.mul(2), noDraws);
    assert.deepEqual(values(y), [6, 6, 6, 6]);
    assert.equal(y.requiresGrad, false);
  });
});

test('filling: the first `size` images are stored and returned as they are (no draws)', () => {
  const pool = new ImagePool(2);
  tidy(() => {
    assert.deepEqual(values(pool.query(img(1), noDraws)), [1, 1, 1, 1]);
    assert.deepEqual(values(pool.query(img(2), noDraws)), [2, 2, 2, 2]);
  });
  assert.equal(pool.count, 2);
});

test('full pool: draw > ½ returns the stored image at a random slot and stores the new one there; draw ≤ ½ returns the new image', () => {
  const pool = new ImagePool(2);
  tidy(() => {
    pool.query(img(1), noDraws);
    pool.query(img(2), noDraws); // pool [1, 2]
    assert.deepEqual(values(pool.query(img(3), scripted([0.7], [1]))), [2, 2, 2, 2]); // pool [1, 3]
    assert.deepEqual(values(pool.query(img(4), scripted([0.5], []))), [4, 4, 4, 4]); // 0.5 is not > 0.5: pool unchanged
    assert.deepEqual(values(pool.query(img(5), scripted([0.9], [1]))), [3, 3, 3, 3]); // the 3 stored two steps ago
    assert.deepEqual(values(pool.query(img(6), scripted([0.9], [0]))), [1, 1, 1, 1]);
  });
});

test('a batch of 3 into a pool of 2: two stored, the third follows the swap rule', () => {
  const pool = new ImagePool(2);
  tidy(() => {
    const batch = tensor([1, 1, 2, 2, 3, 3], { shape: [3, 1, 1, 2] });
    assert.deepEqual(values(pool.query(batch, scripted([0.8], [0]))), [1, 1, 2, 2, 1, 1]);
    // pool now [1, 3]: three draws ≤ ½ return the batch unchanged
    assert.deepEqual(values(pool.query(batch, scripted([0.1, 0.2, 0.3], []))), [1, 1, 2, 2, 3, 3]);
  });
});

test('with a real stream about half the returned images are old ones (binomial, 400 draws: 200 ± 40)', () => {
  const pool = new ImagePool(5);
  const rng = new Rng(11);
  let old = 0;
  tidy(() => {
    for (let i = 0; i < 405; i++) {
      const out = values(pool.query(img(i), rng))[0];
      if (i >= 5 && out !== i) old++;
    }
  });
  assert.ok(old > 160 && old < 240, `${old} of 400 old`); // σ = √(400·¼) = 10: ±4σ
});

test('save/load: a restored pool answers exactly as the original; other capacity or garbled state is refused', () => {
  const a = new ImagePool(3);
  tidy(() => [0.25, 0.5, 0.75].forEach((v) => a.query(img(v), noDraws)));
  const saved = JSON.parse(JSON.stringify(a.save()));
  const b = new ImagePool(3);
  b.load(saved);
  tidy(() => {
    assert.deepEqual(values(b.query(img(9), scripted([0.6], [2]))), values(a.query(img(9), scripted([0.6], [2]))));
    assert.deepEqual(values(b.query(img(8), scripted([0.6], [2]))), [9, 9, 9, 9]);
  });
  assert.throws(() => new ImagePool(4).load(saved, 'ck.json'), /ck\.json: holds a pool of 3 images, this run uses --pool-size 4/);
  assert.throws(() => new ImagePool(3).load({ ...saved, images: ['AAAA'] }, 'ck.json'), /ck\.json: garbled image pool/);
  assert.throws(() => new ImagePool(3).load(undefined, 'ck.json'), /ck\.json: holds no image pool/);
});
