// splitSubjects: whole subjects on one side, stratified by class, and the same subjects held apart
// whichever order or numbering the classes were read in (classify's alphabetical classes and a
// CycleGAN's --a young --b old must agree, or `kensa explain` has no common test subjects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packImageSet, splitSubjects, type ImageSet } from './index.js';
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
