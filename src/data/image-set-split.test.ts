// splitSubjects: whole subjects on one side, stratified by class, and the same subjects held apart
// whichever order or numbering the classes were read in (classify's alphabetical classes and a
// CycleGAN's --a young --b old must agree, or `kensa explain` has no common test subjects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldSubjects, packImageSet, splitSubjects, type ImageSet } from './index.js';
import { splitDomains } from '../methods/cyclegan/domains.js';
import { splitGroups } from '../cli/commands/image-set-options.js';

/** 20 subjects per class, 3 slices each; labels numbered in the order of `classes`. */
function set(classes: string[]): ImageSet {
  const items = classes.flatMap((name, label) =>
    Array.from({ length: 20 * 3 }, (_, k) => {
      const group = `${name}/s${String(Math.floor(k / 3)).padStart(2, '0')}`;
      return { image: { channels: 1, height: 2, width: 2, data: new Float32Array(4) }, label, group, source: { path: `${group}.nii`, slice: k % 3 } };
    }),
  );
  return packImageSet(classes, items);
}

test('splitSubjects: subjects whole, stratified, independent of class order and numbering', () => {
  const ab = splitSubjects(set(['old', 'young']), [0.7, 0.15, 0.15], 0);
  const ba = splitSubjects(set(['young', 'old']), [0.7, 0.15, 0.15], 0);
  assert.deepEqual(ba, ab);
  for (const part of [ab.train, ab.val, ab.test]) assert.equal(new Set(part).size, part.length);
  assert.equal(ab.train.length + ab.val.length + ab.test.length, 40);
  // 20 per class at 15 %: 3 test subjects of each class
  for (const c of ['old', 'young']) assert.equal(ab.test.filter((g) => g.startsWith(`${c}/`)).length, 3, c);
  const other = splitSubjects(set(['old', 'young']), [0.7, 0.15, 0.15], 1);
  assert.notDeepEqual(other.test, ab.test, 'the seed moves the split');
});

test('classify (splitGroups) and cyclegan train (splitDomains) hold the same subjects apart', () => {
  const cls = splitGroups(set(['old', 'young']), [Number((1 - 0.15 - 0.15).toFixed(12)), 0.15, 0.15], 0);
  const gan = splitDomains(set(['young', 'old']), { valFraction: 0.15, testFraction: 0.15, seed: 0 });
  assert.deepEqual(gan.split.test, cls.test);
  assert.deepEqual(gan.split.val, cls.val);
  assert.equal(gan.test.a.count + gan.test.b.count, cls.test.length * 3);
  assert.ok(gan.test.a.groups.every((g) => g.startsWith('young/')), 'domain A is young');
});

test('foldSubjects: K folds partition the subjects, stratified, val from the rest, independent of class order', () => {
  const s = set(['old', 'young']);
  const folds = [0, 1, 2, 3, 4].map((fold) => foldSubjects(s, { folds: 5, fold, valFraction: 0.2, seed: 3 }));
  const tested = folds.flatMap((f) => f.test);
  assert.equal(tested.length, 40, 'every subject is tested once');
  assert.equal(new Set(tested).size, 40);
  for (const f of folds) {
    // 20 per class in 5 folds: 4 test subjects per class; 16 left, 20 % of them (3.2 -> 3) validation
    for (const c of ['old', 'young']) {
      assert.equal(f.test.filter((g) => g.startsWith(`${c}/`)).length, 4, c);
      assert.equal(f.val.filter((g) => g.startsWith(`${c}/`)).length, 3, c);
      assert.equal(f.train.filter((g) => g.startsWith(`${c}/`)).length, 13, c);
    }
    const all = [...f.train, ...f.val, ...f.test];
    assert.equal(new Set(all).size, 40, 'no subject on two sides');
  }
  assert.deepEqual(foldSubjects(set(['young', 'old']), { folds: 5, fold: 2, valFraction: 0.2, seed: 3 }), folds[2], 'class order does not move the folds');
  assert.notDeepEqual(foldSubjects(s, { folds: 5, fold: 2, valFraction: 0.2, seed: 4 }).test, folds[2].test, 'the seed does');
  assert.throws(() => foldSubjects(s, { folds: 21, fold: 0, valFraction: 0.2, seed: 0 }), /class 'old' has 20 group\(s\).*fewer than the 21 folds/);
  assert.throws(() => foldSubjects(s, { folds: 5, fold: 5, valFraction: 0.2, seed: 0 }), /--cv-fold/);
  assert.throws(() => foldSubjects(s, { folds: 1, fold: 0, valFraction: 0.2, seed: 0 }), /--cv-folds/);
});
