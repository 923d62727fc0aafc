import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticVolume } from '../../data/fixtures-support.js';
import { Rng } from '../../data/rng.js';
import { InputError, OptionError } from '../../util/errors.js';
import { chooseLandmarks, insideRegion, landmarkPoint, regionPoints, type RegionPoints, type VolumeRegions } from './landmarks.js';
import { maskVoxels, sampleNegatives } from './negatives.js';

// label 3: the box x 2..4, y 1..5, z = 3 (15 voxels); label 7: an L in the z = 0 plane,
// (0,0,0) (1,0,0) (2,0,0) (0,1,0) (0,2,0)
const labels = syntheticVolume([8, 8, 8], (x, y, z) => {
  if (x >= 2 && x <= 4 && y >= 1 && y <= 5 && z === 3) return 3;
  if (z === 0 && ((y === 0 && x <= 2) || (x === 0 && y <= 2))) return 7;
  return 0;
});

test('regionPoints: centroids, and extremes as the mean of each lowest and highest plane', () => {
  const c = regionPoints(labels);
  assert.deepEqual(c.get(3), { count: 15, points: [[3, 3, 3]] });
  // L: x = (0+1+2+0+0)/5 = 0.6, y = (0+0+0+1+2)/5 = 0.6
  assert.deepEqual(c.get(7), { count: 5, points: [[0.6, 0.6, 0]] });
  const e = regionPoints(labels, 'extremes');
  // box: left x=2 plane centred on (2, 3, 3), right (4, 3, 3), posterior y=1 (3, 1, 3), anterior
  // (3, 5, 3); one z plane, so inferior = superior = the centroid
  assert.deepEqual(e.get(3)!.points, [[2, 3, 3], [4, 3, 3], [3, 1, 3], [3, 5, 3], [3, 3, 3], [3, 3, 3]]);
  // L: x=0 plane holds (0,0) (0,1) (0,2) -> (0, 1, 0); x=2 only (2,0,0); y=0 plane (0..2, 0) ->
  // (1, 0, 0); y=2 only (0,2,0); the z=0 plane is the whole L
  assert.deepEqual(e.get(7)!.points, [[0, 1, 0], [2, 0, 0], [1, 0, 0], [0, 2, 0], [0.6, 0.6, 0], [0.6, 0.6, 0]]);
  // the L's centroid (0.6, 0.6, 0) rounds to voxel (1, 1, 0), outside the L
  assert.equal(insideRegion(labels, [0.6, 0.6, 0], 7), false);
  assert.equal(insideRegion(labels, [3, 3, 3], 3), true);
  assert.throws(() => regionPoints(labels, 'corners' as 'centroid'), { message: /^--point:/ });
});

const regions = (counts: Record<number, number>): Map<number, RegionPoints> =>
  new Map(Object.entries(counts).map(([l, n]) => [Number(l), { count: n, points: Array.from({ length: 6 }, (_, k) => [Number(l), k, n] as [number, number, number]) }]));

// region 5 is missing from b.nii; regions 2 and 9 tie on their smallest count (40)
const vols: VolumeRegions[] = [
  { file: 'a.nii', regions: regions({ 1: 100, 2: 50, 5: 500, 9: 40, 4: 10 }) },
  { file: 'b.nii', regions: regions({ 1: 90, 2: 40, 9: 60, 4: 20 }) },
  { file: 'c.nii', regions: regions({ 1: 80, 2: 45, 5: 400, 9: 45, 4: 30 }) },
];

test('chooseLandmarks: regions present everywhere, largest smallest-count first, ties by label', () => {
  const { classes, incomplete } = chooseLandmarks(vols, { classes: 3 }, new Map([[1, 'One']]));
  // smallest counts: 1 -> 80, 2 -> 40, 9 -> 40, 4 -> 10; 5 is absent from b.nii
  assert.deepEqual(classes.map((c) => [c.index, c.region, c.name, c.point, c.minVoxels]), [
    [0, 1, 'One', 'centroid', 80],
    [1, 2, 'label 2', 'centroid', 40],
    [2, 9, 'label 9', 'centroid', 40],
  ]);
  assert.deepEqual(incomplete, [{ region: 5, name: 'label 5', missingIn: ['b.nii'] }]);
  // extremes: six classes per region in EXTREME_NAMES order, the last region cut short
  const ex = chooseLandmarks(vols, { classes: 8, point: 'extremes' }).classes;
  assert.deepEqual(ex.map((c) => `${c.region}:${c.point}`), ['1:left', '1:right', '1:posterior', '1:anterior', '1:inferior', '1:superior', '2:left', '2:right']);
  assert.deepEqual(landmarkPoint(vols[1].regions, ex[7]), [2, 1, 40]);
  // exclude and an explicit order
  assert.deepEqual(chooseLandmarks(vols, { classes: 2, exclude: [1] }).classes.map((c) => c.region), [2, 9]);
  assert.deepEqual(chooseLandmarks(vols, { classes: 2, regions: [4, 1] }).classes.map((c) => c.region), [4, 1]);
});

test('chooseLandmarks bad input: too many classes, a listed region missing from a volume, bad options', () => {
  const one = (f: () => unknown, cls: typeof OptionError | typeof InputError, re: RegExp): void =>
    assert.throws(f, (e: Error) => e instanceof cls && re.test(e.message) && !e.message.includes('\n'), String(re));
  one(() => chooseLandmarks(vols, { classes: 5 }), OptionError, /^--classes: asks for 5 landmark classes but only 4 regions are present in every volume \(4 classes at 1 per region\); 1 more are missing from some volumes \(e\.g\. region 5 from b\.nii\)$/);
  one(() => chooseLandmarks(vols, { classes: 25, point: 'extremes' }), OptionError, /^--classes: asks for 25 .* \(24 classes at 6 per region\)/);
  one(() => chooseLandmarks(vols, { classes: 1, regions: [1, 5] }), InputError, /^b\.nii: has no voxel of region 5 \(label 5\) named in 'regions'$/);
  one(() => chooseLandmarks(vols, { classes: 3, regions: [1, 2] }), OptionError, /^--classes: asks for 3 landmark classes; the 2 listed regions give 2/);
  one(() => chooseLandmarks(vols, { classes: 2, regions: [1, 1] }), OptionError, /^--regions: lists a region twice/);
  one(() => chooseLandmarks(vols, { classes: 0 }), OptionError, /^--classes:/);
  one(() => chooseLandmarks([], {}), OptionError, /^volumes:/);
});

test('sampleNegatives: every point inside the mask and at least minDistance mm (world) from every landmark', () => {
  // 20 x 20 x 10 voxels of 1 x 1 x 2 mm, all in the mask; two landmarks
  const vol = syntheticVolume([20, 20, 10], () => 1, [1, 1, 2]);
  const mask = maskVoxels(vol, vol);
  assert.equal(mask.length, 4000);
  const landmarks = [
    [5, 5, 2],
    [14, 12, 6.5],
  ];
  const d = 6;
  const pts = sampleNegatives(vol, mask, landmarks, 300, d, new Rng(1), 'v.nii');
  assert.equal(pts.length, 300);
  assert.equal(new Set(pts.map((p) => p.join())).size, 300, 'distinct voxels');
  const mm = (p: readonly number[], q: readonly number[]): number => Math.hypot(p[0] - q[0], p[1] - q[1], 2 * (p[2] - q[2]));
  const nearest = pts.map((p) => Math.min(...landmarks.map((l) => mm(p, l))));
  assert.ok(nearest.every((x) => x >= d), `closest ${Math.min(...nearest)}`);
  // not pushed needlessly far: some points lie within 2 mm of the bound (uniform over what is left)
  assert.ok(nearest.some((x) => x < d + 2));
  assert.deepEqual(sampleNegatives(vol, mask, landmarks, 300, d, new Rng(1), 'v.nii'), pts, 'seeded');
  // a mask from labels keeps only labelled voxels
  const lm = maskVoxels(labels, labels, { mask: 'labels' });
  assert.equal(lm.length, 20);
  for (const p of sampleNegatives(labels, lm, [[3, 3, 3]], 5, 2, new Rng(2), 'l.nii')) assert.ok(labels.data[p[0] + 8 * (p[1] + 8 * p[2])] > 0);
  // 'image': voxels brighter than the threshold (default: the mean)
  const img = syntheticVolume([4, 1, 1], (x) => x);
  assert.deepEqual(Array.from(maskVoxels(img, img, { mask: 'image' })), [2, 3]);
  assert.deepEqual(Array.from(maskVoxels(img, img, { mask: 'image', threshold: 0.5 })), [1, 2, 3]);
  // impossible requests name the file
  assert.throws(() => sampleNegatives(vol, mask, landmarks, 300, 40, new Rng(1), 'v.nii'), (e: Error) => e instanceof InputError && /^v\.nii: only 0 mask voxels lie 40 mm/.test(e.message));
  assert.throws(() => maskVoxels(vol, vol, { mask: 'head' as 'labels' }), { message: /^mask:/ });
  assert.throws(() => sampleNegatives(vol, mask, landmarks, 1, -1, new Rng(1), 'v.nii'), { message: /^minDistance:/ });
});
