import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '../../io/index.js';
import { InputError, OptionError } from '../../util/errors.js';
import { landmarkDataset } from './landmark-dataset.js';

// A 12x12x12 grid of 2 mm voxels (RAS+ affine, origin 0). Label 1: the box x 1..3, y 1..3,
// z 1..3 (27 voxels, centroid (2, 2, 2)); label 2: x 6..10, y 6..10, z 6..10 (125 voxels,
// centroid (8, 8, 8)); label 3 (volume `a` only): the voxel (10, 1, 1).
const aff = (s: number): number[][] => [[s, 0, 0, 0], [0, s, 0, 0], [0, 0, s, 0], [0, 0, 0, 1]];
function vol(f: (x: number, y: number, z: number) => number, spacing = 2, shape: [number, number, number] = [12, 12, 12]) {
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (let z = 0; z < shape[2]; z++) for (let y = 0; y < shape[1]; y++) for (let x = 0; x < shape[0]; x++) data[x + shape[0] * (y + shape[1] * z)] = f(x, y, z);
  return { shape, affine: aff(spacing), data };
}
const box = (x: number, y: number, z: number, lo: number, hi: number): boolean => x >= lo && x <= hi && y >= lo && y <= hi && z >= lo && z <= hi;
const labelsOf = (extra: boolean) => (x: number, y: number, z: number): number => (box(x, y, z, 1, 3) ? 1 : box(x, y, z, 6, 10) ? 2 : extra && x === 10 && y === 1 && z === 1 ? 3 : 0);

test('landmarkDataset: classes by the largest-regions rule, points, negatives away from them, one-line errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-lmds-'));
  try {
    const pair = async (stem: string, extra: boolean, labelVol = vol(labelsOf(extra))) => {
      await writeNifti(join(dir, `${stem}.nii`), vol((x, y, z) => x + y + z), { dtype: 'float32' });
      await writeNifti(join(dir, `${stem}_lab.nii`), labelVol, { dtype: 'uint8' });
      return { stem, volume: join(dir, `${stem}.nii`), label: join(dir, `${stem}_lab.nii`) };
    };
    const a = await pair('a', true);
    const b = await pair('b', false);
    const ds = await landmarkDataset([a, b], { classes: 2, names: new Map([[2, 'big box']]), negatives: { perVolume: 3, minDistance: 6, seed: 1 } });
    // rule: regions in every volume (1 and 2; 3 is only in a), largest first: 2 (125) then 1 (27)
    assert.deepEqual(ds.classes.map((c) => [c.region, c.name, c.minVoxels]), [[2, 'big box', 125], [1, 'label 1', 27]]);
    assert.deepEqual(ds.classNames, ['big box', 'label 1', 'not a landmark']);
    assert.equal(ds.negativeClass, 2);
    assert.deepEqual(ds.incomplete, [{ region: 3, name: 'label 3', missingIn: [b.label] }]);
    assert.deepEqual(ds.insideShare, [1, 1]);
    // per volume: 2 landmarks then 3 negatives, grouped by the pair's stem
    assert.equal(ds.items.length, 10);
    assert.deepEqual(ds.items.map((it) => [it.group, it.label]), ['a', 'b'].flatMap((g) => [[g, 0], [g, 1], [g, 2], [g, 2], [g, 2]]));
    assert.deepEqual(ds.items[0].point, [8, 8, 8]);
    assert.deepEqual(ds.items[1].point, [2, 2, 2]);
    for (const it of ds.items.filter((i) => i.label === 2)) {
      // inside the labelled voxels (mask 'labels') and >= 6 mm (3 voxels of 2 mm) from both centroids
      const [x, y, z] = it.point;
      assert.ok(labelsOf(it.group === 'a')(x, y, z) !== 0, `negative ${it.point} outside the labels`);
      for (const c of [[8, 8, 8], [2, 2, 2]]) assert.ok(2 * Math.hypot(x - c[0], y - c[1], z - c[2]) >= 6, `negative ${it.point} within 6 mm of ${c}`);
    }
    // seeded: the same options give the same negatives, another seed others
    const again = await landmarkDataset([a, b], { classes: 2, negatives: { perVolume: 3, minDistance: 6, seed: 1 } });
    assert.deepEqual(again.items, ds.items.map((it) => it));
    const other = await landmarkDataset([a, b], { classes: 2, negatives: { perVolume: 3, minDistance: 6, seed: 2 } });
    assert.notDeepEqual(other.items.filter((i) => i.label === 2).map((i) => i.point), ds.items.filter((i) => i.label === 2).map((i) => i.point));
    // extreme points: region 2 first, its left point is the mean of its x = 6 plane
    const ex = await landmarkDataset([a, b], { classes: 7, point: 'extremes', negatives: { perVolume: 1, minDistance: 0 } });
    assert.deepEqual(ex.classNames.slice(0, 2), ['label 2 left', 'label 2 right']);
    assert.deepEqual(ex.items[0].point, [6, 8, 8]);
    assert.deepEqual(ex.items[6].point, [1, 2, 2]);

    // bad input, each an error naming the file or option
    const other1mm = await pair('c', false, vol(labelsOf(false), 1));
    await assert.rejects(landmarkDataset([a, other1mm], { classes: 2 }), (e: Error) => e instanceof InputError && /c_lab\.nii: label volume grid .* differs from its image .*c\.nii/.test(e.message) && !e.message.includes('\n'));
    // a region missing from some volumes cannot be asked for by number, and the rule never takes it
    await assert.rejects(landmarkDataset([a, b], { regions: [3], classes: 1 }), (e: Error) => e instanceof InputError && /b_lab\.nii: has no voxel of region 3/.test(e.message));
    await assert.rejects(landmarkDataset([a, b], { classes: 3 }), (e: Error) => e instanceof OptionError && /only 2 regions are present in every volume.*region 3 from .*b_lab\.nii/.test(e.message));
    // too few voxels far enough from the landmarks
    await assert.rejects(landmarkDataset([a, b], { classes: 2, negatives: { perVolume: 3, minDistance: 100 } }), (e: Error) => e instanceof InputError && /a_lab\.nii: only 0 mask voxels lie 100 mm/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
