// splitPairs: contiguous and stratified-by-foreground splits on ten numbered pairs whose masks hold
// foreground in the first four only (as axon does in em-epfl-features).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PairItem } from '../../data/index.js';
import { foregroundImages, splitPairs } from './seg-split.js';

const pairs: PairItem[] = Array.from({ length: 10 }, (_, i) => ({ stem: `s${i}`, image: `/i/slice${String(i).padStart(4, '0')}.png`, mask: `/m/slice${String(i).padStart(4, '0')}.png` }));
const counts = pairs.map((_, i) => (i < 4 ? [900, 100] : [1000, 0]));
const nums = (ps: PairItem[]): number[] => ps.map((p) => pairs.indexOf(p));

test('contiguous split without stratification: the held-out blocks are the last slices, without foreground', () => {
  const s = splitPairs(pairs, { fractions: [0.6, 0.2, 0.2] });
  // ten items, bounds 0.6 / 0.8 on the mid positions (k + 0.5) / 10: train 0-5, val 6-7, test 8-9
  assert.deepEqual([nums(s.train), nums(s.val), nums(s.test)], [[0, 1, 2, 3, 4, 5], [6, 7], [8, 9]]);
  assert.equal(foregroundImages(s.test, pairs, counts), 0);
});

test('stratify foreground: each group split contiguously on its own, so val and test hold foreground', () => {
  const s = splitPairs(pairs, { fractions: [0.6, 0.2, 0.2], stratify: 'foreground', classCounts: counts });
  // with foreground 0-3: mids 0.125, 0.375 -> train, 0.625 -> val, 0.875 -> test;
  // without 4-9: mids 1/12, 3/12, 5/12, 7/12 -> train, 9/12 -> val, 11/12 -> test
  assert.deepEqual([nums(s.train), nums(s.val), nums(s.test)], [[0, 1, 4, 5, 6, 7], [2, 8], [3, 9]]);
  assert.deepEqual([s.train, s.val, s.test].map((p) => foregroundImages(p, pairs, counts)), [2, 1, 1]);
  // file-number order, not input order: reversed input gives the same parts
  const r = splitPairs([...pairs].reverse(), { fractions: [0.6, 0.2, 0.2], stratify: 'foreground', classCounts: [...counts].reverse() });
  assert.deepEqual([nums(r.train).sort((a, b) => a - b), nums(r.val).sort((a, b) => a - b), nums(r.test).sort((a, b) => a - b)], [[0, 1, 4, 5, 6, 7], [2, 8], [3, 9]]);
});

test('stratify foreground with a random split: seeded, and every part keeps its foreground share', () => {
  for (const seed of [0, 1, 2]) {
    const a = splitPairs(pairs, { fractions: [0.6, 0.2, 0.2], contiguous: false, seed, stratify: 'foreground', classCounts: counts });
    const b = splitPairs(pairs, { fractions: [0.6, 0.2, 0.2], contiguous: false, seed, stratify: 'foreground', classCounts: counts });
    assert.deepEqual(nums(a.test), nums(b.test));
    assert.deepEqual([a.train, a.val, a.test].map((p) => foregroundImages(p, pairs, counts)), [2, 1, 1]);
  }
});

test('stratify foreground without class counts is refused', () => {
  assert.throws(() => splitPairs(pairs, { stratify: 'foreground' }), /class counts/);
});
