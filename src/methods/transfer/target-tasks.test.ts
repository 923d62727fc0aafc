import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '../../io/index.js';
import { OptionError } from '../../util/errors.js';
import { fewLabels, targetTaskItems } from './target-tasks.js';

// 12^3 voxels of 2 mm (RAS+). Label 1: x 0..5 (the big landmark region, excluded); label 2:
// x 6..8, y 0..5 (3*6*12 = 216 voxels); label 3: x 6..8, y 6..11 but z < 8 (144 voxels);
// label 4: x 9..11 (432 voxels, only in volume b).
const aff = [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]];
const lab = (withFour: boolean) => (x: number, y: number, z: number): number => (x < 6 ? 1 : x < 9 ? (y < 6 ? 2 : z < 8 ? 3 : 0) : withFour ? 4 : 0);
function vol(f: (x: number, y: number, z: number) => number) {
  const data = new Float32Array(12 ** 3);
  for (let z = 0; z < 12; z++) for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) data[x + 12 * (y + 12 * z)] = f(x, y, z);
  return { shape: [12, 12, 12] as [number, number, number], affine: aff, data };
}

test('targetTaskItems: structures = the two largest regions outside the landmarks present everywhere; lesions half with a lesion; fewLabels', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-target-'));
  try {
    const pairs = [];
    for (const [stem, four] of [['a', false], ['b', true]] as const) {
      await writeNifti(join(dir, `${stem}.nii`), vol((x, y, z) => 100 + x + y + z), { dtype: 'float32' });
      await writeNifti(join(dir, `${stem}_l.nii`), vol(lab(four)), { dtype: 'uint8' });
      pairs.push({ stem, volume: join(dir, `${stem}.nii`), label: join(dir, `${stem}_l.nii`) });
    }
    const t = await targetTaskItems('structures', pairs, { perVolume: 5, exclude: [1], seed: 2 }, new Map([[2, 'two']]));
    // 4 is larger but missing from a; 1 is a landmark: 2 (216) then 3 (144)
    assert.deepEqual(t.regions, [2, 3]);
    assert.deepEqual(t.classNames, ['two', 'label 3']);
    assert.equal(t.items.length, 2 * 2 * 5);
    for (const it of t.items) {
      const [x, y, z] = it.point;
      assert.equal(lab(true)(x, y, z), it.label === 0 ? 2 : 3, `point ${it.point} of class ${it.label}`);
      assert.ok(it.group === 'a' || it.group === 'b');
    }
    assert.deepEqual(t.items.map((i) => i.point), (await targetTaskItems('structures', pairs, { perVolume: 5, exclude: [1], seed: 2 })).items.map((i) => i.point), 'seeded');
    const les = await targetTaskItems('lesions', pairs, { perVolume: 5, seed: 1 });
    assert.equal(les.items.length, 2 * 2 * 5);
    assert.equal(les.items.filter((i) => i.label === 1).length, 10, 'exactly half get a lesion');
    assert.ok(les.items.every((i) => (i.label === 1) === (i.lesion !== undefined)));
    assert.ok(les.items.every((i) => lab(true)(...i.point) !== 0 || i.group === 'a'), 'centres on labelled voxels');
    // few labels: n per class, from the given groups only, seeded, sorted
    const idx = fewLabels(t.items, new Set(['b']), 3, 7);
    assert.equal(idx.length, 6);
    assert.ok(idx.every((i) => t.items[i].group === 'b'));
    assert.deepEqual(idx.map((i) => t.items[i].label).sort(), [0, 0, 0, 1, 1, 1]);
    assert.deepEqual(fewLabels(t.items, new Set(['b']), 3, 7), idx);
    assert.throws(() => fewLabels(t.items, new Set(['b']), 6, 7), (e: Error) => e instanceof OptionError && /asks for 6 training patches of class 0, the training subjects give 5/.test(e.message));
    await assert.rejects(targetTaskItems('structures', pairs, { exclude: [1, 2, 3] }), (e: Error) => e instanceof OptionError && /found 0/.test(e.message));
    await assert.rejects(targetTaskItems('nope' as never, pairs), (e: Error) => e instanceof OptionError && /unknown task 'nope'/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
