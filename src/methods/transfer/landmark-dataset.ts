// A landmark-patch dataset from (image, label volume) pairs: landmark classes by the rule of
// `chooseLandmarks`, each volume's landmark points, and "not a landmark" points away from them,
// as patch items for `patchSource` (grouped by subject for splits).
import { readNifti, type Volume } from '../../io/index.js';
import { mapLimit } from '../../data/async-pool.js';
import type { PatchItem } from '../../data/patch-source.js';
import { Rng } from '../../data/rng.js';
import type { VolumePairItem } from '../../data/types.js';
import { InputError } from '../../util/errors.js';
import { EXTREME_NAMES, chooseLandmarks, insideRegion, landmarkPoint, regionPoints, type IncompleteRegion, type LandmarkClass, type LandmarkOptions, type RegionPoints } from './landmarks.js';
import { maskVoxels, sampleNegatives, type NegativeOptions } from './negatives.js';

/** Options of `landmarkDataset`. */
export interface LandmarkDatasetOptions extends LandmarkOptions {
  /** How the "not a landmark" points are drawn. @default see NegativeOptions */
  negatives?: NegativeOptions;
  /** Region names by label value (e.g. from `readRegionNames`). @default "label <value>" */
  names?: ReadonlyMap<number, string>;
  /** Largest difference (mm) between the affine entries of an image and its label volume. @default 0.001 */
  gridTolerance?: number;
}

/** Landmark classes and patch items. */
export interface LandmarkDataset {
  classes: LandmarkClass[];
  /** Class number of "not a landmark": the number of landmark classes. */
  negativeClass: number;
  /** Name of every class: "<region> <point>" for landmarks, then 'not a landmark'. */
  classNames: string[];
  /** Landmarks then negatives of each volume, volume by volume; `volume` is the image file, `group` the pair's stem. */
  items: PatchItem[];
  /** Regions that some label volumes lack (never chosen by the rule). */
  incomplete: IncompleteRegion[];
  /** Per landmark class: share of volumes in which the point's nearest voxel carries the region. */
  insideShare: number[];
}

/** Throws unless the two volumes share shape and affine (within `tol` mm). */
export function checkSameGrid(image: Volume, labels: Volume, imageFile: string, labelFile: string, tol = 1e-3): void {
  const grid = (v: Volume): string => `${v.shape.join('x')} voxels of ${v.spacing.map((s) => +s.toFixed(4)).join('x')} mm at (${[0, 1, 2].map((r) => +v.affine[r][3].toFixed(3)).join(', ')})`;
  const same = image.shape.every((s, k) => s === labels.shape[k]) && image.affine.every((row, r) => row.every((a, c) => Math.abs(a - labels.affine[r][c]) <= tol));
  if (!same) throw new InputError(labelFile, `label volume grid (${grid(labels)}) differs from its image ${imageFile} (${grid(image)})`);
}

interface VolumeInfo {
  pair: VolumePairItem;
  regions: Map<number, RegionPoints>;
  inside: Map<number, boolean[]>;
  mask: Uint32Array;
  geometry: Volume; // shape, spacing, affine (data emptied)
}

/** Read every pair (as RAS+), choose the landmark classes and draw the negatives. */
export async function landmarkDataset(pairs: readonly VolumePairItem[], options: LandmarkDatasetOptions = {}): Promise<LandmarkDataset> {
  const point = options.point ?? 'centroid';
  const neg = options.negatives ?? {};
  const infos = await mapLimit(pairs, 2, async (pair): Promise<VolumeInfo> => {
    const [image, labels] = await Promise.all([readNifti(pair.volume, { canonical: true }), readNifti(pair.label, { canonical: true })]);
    checkSameGrid(image, labels, pair.volume, pair.label, options.gridTolerance);
    const regions = regionPoints(labels, point);
    const inside = new Map([...regions].map(([r, p]) => [r, p.points.map((q) => insideRegion(labels, q, r))]));
    const mask = maskVoxels(labels, image, neg);
    return { pair, regions, inside, mask, geometry: { shape: image.shape, spacing: image.spacing, affine: image.affine, data: new Float32Array(0) } };
  });
  const { classes, incomplete } = chooseLandmarks(
    infos.map((v) => ({ file: v.pair.label, regions: v.regions })),
    options,
    options.names,
  );
  const N = classes.length;
  const perVolume = neg.perVolume ?? N;
  const items: PatchItem[] = [];
  infos.forEach((v, vi) => {
    const points = classes.map((c) => landmarkPoint(v.regions, c));
    points.forEach((p, c) => items.push({ volume: v.pair.volume, point: p, label: c, group: v.pair.stem }));
    const negatives = sampleNegatives(v.geometry, v.mask, points, perVolume, neg.minDistance ?? 10, Rng.derive(neg.seed ?? 0, vi), v.pair.label);
    for (const p of negatives) items.push({ volume: v.pair.volume, point: p, label: N, group: v.pair.stem });
  });
  const k = (c: LandmarkClass): number => (c.point === 'centroid' ? 0 : (EXTREME_NAMES as readonly string[]).indexOf(c.point));
  const insideShare = classes.map((c) => infos.filter((v) => v.inside.get(c.region)![k(c)]).length / infos.length);
  return {
    classes,
    negativeClass: N,
    classNames: [...classes.map((c) => (c.point === 'centroid' ? c.name : `${c.name} ${c.point}`)), 'not a landmark'],
    items,
    incomplete,
    insideShare,
  };
}
