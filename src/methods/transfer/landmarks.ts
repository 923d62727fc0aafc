// Anatomical landmarks from label volumes: one characteristic point per labelled region (its
// centroid, or its extreme points along each axis) and the landmark classes chosen by a fixed
// rule, for 2.5D landmark-patch pretraining (Nemoto et al., landmark-based transfer learning).
import type { Volume } from '../../io/index.js';
import { labelCentroids, sampleNearest } from '../../data/volume-sampling.js';
import { InputError, OptionError } from '../../util/errors.js';

export const LANDMARK_POINTS = ['centroid', 'extremes'] as const;
/** 'centroid': mean voxel position (1 point per region); 'extremes': 6 points, see `EXTREME_NAMES`. */
export type LandmarkPoint = (typeof LANDMARK_POINTS)[number];

/**
 * The six extreme points of a region, in order: the mean position of its voxels in its lowest and
 * highest plane along array axis 0, then 1, then 2. The names hold for RAS+ volumes (read with
 * `canonical: true`): axis 0 runs left to right, 1 posterior to anterior, 2 inferior to superior.
 */
export const EXTREME_NAMES = ['left', 'right', 'posterior', 'anterior', 'inferior', 'superior'] as const;

type Point = [number, number, number];

/** A region's voxel count and its characteristic points (voxel coordinates). */
export interface RegionPoints {
  count: number;
  /** One point ('centroid') or six (`EXTREME_NAMES` order). */
  points: Point[];
}

/** Characteristic points of every non-zero label of a label volume. */
export function regionPoints(labels: Volume, point: LandmarkPoint = 'centroid'): Map<number, RegionPoints> {
  if (!LANDMARK_POINTS.includes(point)) throw new OptionError('--point', `must be one of ${LANDMARK_POINTS.join(', ')}, got ${String(point)}`);
  const out = new Map<number, RegionPoints>();
  if (point === 'centroid') {
    for (const [l, { centroid, count }] of labelCentroids(labels)) out.set(l, { count, points: [centroid] });
    return out;
  }
  // One pass: per label and per axis end, the extreme coordinate and the sums of the voxels on it.
  const [X, Y] = labels.shape;
  const acc = new Map<number, { count: number; ext: Float64Array }>(); // ext[6 * 5]: [coord, n, sx, sy, sz] per end
  const d = labels.data;
  const c = [0, 0, 0];
  for (let i = 0; i < d.length; i++) {
    const l = d[i];
    if (l === 0) continue;
    c[0] = i % X;
    c[1] = ((i - c[0]) / X) % Y;
    c[2] = Math.floor(i / (X * Y));
    let a = acc.get(l);
    if (!a) {
      a = { count: 0, ext: new Float64Array(30) };
      for (let e = 0; e < 6; e++) a.ext[5 * e] = e % 2 === 0 ? Infinity : -Infinity;
      acc.set(l, a);
    }
    a.count++;
    for (let e = 0; e < 6; e++) {
      const v = c[e >> 1];
      const o = 5 * e;
      const better = e % 2 === 0 ? v < a.ext[o] : v > a.ext[o];
      if (better) {
        a.ext[o] = v;
        a.ext[o + 1] = 0;
        a.ext[o + 2] = a.ext[o + 3] = a.ext[o + 4] = 0;
      }
      if (better || v === a.ext[o]) {
        a.ext[o + 1]++;
        a.ext[o + 2] += c[0];
        a.ext[o + 3] += c[1];
        a.ext[o + 4] += c[2];
      }
    }
  }
  for (const l of [...acc.keys()].sort((p, q) => p - q)) {
    const { count, ext } = acc.get(l)!;
    const points = Array.from({ length: 6 }, (_, e) => [0, 1, 2].map((k) => ext[5 * e + 2 + k] / ext[5 * e + 1]) as Point);
    out.set(l, { count, points });
  }
  return out;
}

/** Options choosing the landmark classes. */
export interface LandmarkOptions {
  /** Landmark classes; the "not a landmark" class comes after them, as class number `classes`. @default 60 */
  classes?: number;
  /** Characteristic point of each region. @default 'centroid' */
  point?: LandmarkPoint;
  /** Regions (label values) to take, in this order, instead of the largest ones. @default chosen by the rule */
  regions?: readonly number[];
  /** Label values never taken by the rule (e.g. a catch-all region). @default none */
  exclude?: readonly number[];
}

/** One landmark class: a region and which of its points. */
export interface LandmarkClass {
  /** Class number, 0-based. */
  index: number;
  /** Label value of the region. */
  region: number;
  /** Region name from the names table, or `label <value>`. */
  name: string;
  /** 'centroid' or one of `EXTREME_NAMES`. */
  point: string;
  /** Smallest voxel count of the region over the volumes. */
  minVoxels: number;
}

/** The regions of one label volume, as `chooseLandmarks` sees them. */
export interface VolumeRegions {
  /** Label volume file, named in errors. */
  file: string;
  regions: ReadonlyMap<number, RegionPoints>;
}

/** A region some volumes lack, so the rule does not take it. */
export interface IncompleteRegion {
  region: number;
  name: string;
  /** Label volumes without a voxel of it. */
  missingIn: string[];
}

const pointNames = (point: LandmarkPoint): readonly string[] => (point === 'centroid' ? ['centroid'] : EXTREME_NAMES);

/**
 * The landmark classes. Rule: the regions with at least one voxel in every volume, ranked by their
 * smallest voxel count over the volumes (largest first, ties by label value); each region gives one
 * class per point (1 for 'centroid', 6 for 'extremes', in `EXTREME_NAMES` order), taken in rank
 * order until `classes` are chosen. With `regions`, those are taken in the given order and each
 * must be present in every volume.
 */
export function chooseLandmarks(
  volumes: readonly VolumeRegions[],
  options: LandmarkOptions = {},
  names: ReadonlyMap<number, string> = new Map(),
): { classes: LandmarkClass[]; incomplete: IncompleteRegion[] } {
  const N = options.classes ?? 60;
  if (!Number.isInteger(N) || N < 1) throw new OptionError('--classes', `must be a positive integer, got ${N}`);
  const point = options.point ?? 'centroid';
  if (!LANDMARK_POINTS.includes(point)) throw new OptionError('--point', `must be one of ${LANDMARK_POINTS.join(', ')}, got ${String(point)}`);
  if (volumes.length === 0) throw new OptionError('volumes', 'no label volumes given');
  const nameOf = (r: number): string => names.get(r) ?? `label ${r}`;
  const all = [...new Set(volumes.flatMap((v) => [...v.regions.keys()]))].sort((a, b) => a - b);
  const minCount = (r: number): number => Math.min(...volumes.map((v) => v.regions.get(r)?.count ?? 0));
  const incomplete = all
    .map((r) => ({ region: r, name: nameOf(r), missingIn: volumes.filter((v) => !v.regions.has(r)).map((v) => v.file) }))
    .filter((r) => r.missingIn.length > 0);
  const per = pointNames(point).length;
  let regions: number[];
  if (options.regions) {
    regions = [...options.regions];
    if (new Set(regions).size !== regions.length) throw new OptionError('--regions', `lists a region twice: ${regions.join(', ')}`);
    for (const r of regions) {
      const missing = volumes.find((v) => !v.regions.has(r));
      if (missing) throw new InputError(missing.file, `has no voxel of region ${r} (${nameOf(r)}) named in 'regions'`);
    }
    if (regions.length * per < N) throw new OptionError('--classes', `asks for ${N} landmark classes; the ${regions.length} listed regions give ${regions.length * per} (${per} per region)`);
  } else {
    const exclude = new Set(options.exclude ?? []);
    regions = all
      .filter((r) => !exclude.has(r) && volumes.every((v) => v.regions.has(r)))
      .map((r) => [r, minCount(r)])
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([r]) => r);
    if (regions.length * per < N) {
      const lost = incomplete.length > 0 ? `; ${incomplete.length} more are missing from some volumes (e.g. region ${incomplete[0].region} from ${incomplete[0].missingIn[0]})` : '';
      throw new OptionError('--classes', `asks for ${N} landmark classes but only ${regions.length} regions are present in every volume (${regions.length * per} classes at ${per} per region)${lost}`);
    }
  }
  const classes: LandmarkClass[] = [];
  for (const r of regions) {
    for (const p of pointNames(point)) {
      if (classes.length === N) break;
      classes.push({ index: classes.length, region: r, name: nameOf(r), point: p, minVoxels: minCount(r) });
    }
  }
  return { classes, incomplete };
}

/** The point of landmark class `c` in one volume (voxel coordinates). */
export function landmarkPoint(regions: ReadonlyMap<number, RegionPoints>, c: LandmarkClass): Point {
  const r = regions.get(c.region);
  if (!r) throw new OptionError('--classes', `region ${c.region} (${c.name}) is absent`);
  const k = c.point === 'centroid' ? 0 : EXTREME_NAMES.indexOf(c.point as (typeof EXTREME_NAMES)[number]);
  if (k < 0 || k >= r.points.length) throw new OptionError('--point', `region ${c.region} has no ${c.point} point`);
  return r.points[k];
}

/** Whether the voxel nearest to `p` carries `region` (a centroid of a curved region may lie outside it). */
export function insideRegion(labels: Volume, p: readonly number[], region: number): boolean {
  return sampleNearest(labels, p[0], p[1], p[2], 0) === region;
}
