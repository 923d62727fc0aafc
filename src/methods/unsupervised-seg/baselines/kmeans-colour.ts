// k-means on pixel colour (Lloyd's algorithm) with k-means++ seeding (Arthur & Vassilvitskii,
// SODA 2007): each pixel gets the id of its nearest colour centre; positions are ignored.
import { OptionError } from '../../../util/errors.js';
import { assertRgbImage, type RgbImage } from './rgb-image.js';
import { seededRandom } from './seeded-random.js';
import type { BaselineSegmentation, SegmentationBaseline } from './segmentation-baseline.js';

/** Options for {@link kmeansColour}. */
export interface KMeansColourOptions {
  /** Number of colour clusters. Fewer are returned when the image has fewer distinct colours. @default 8 */
  k?: number;
  /** Lloyd iterations at most. @default 50 */
  maxIterations?: number;
  /** Stop when no centre moves more than this (RGB units, 0-255). @default 0.01 */
  tolerance?: number;
  /** Seed of the k-means++ sampling. @default 0 */
  seed?: number;
}

const DEFAULTS: Required<KMeansColourOptions> = { k: 8, maxIterations: 50, tolerance: 0.01, seed: 0 };

function sqDist(px: Uint8Array | Uint8ClampedArray, p: number, c: Float64Array, j: number): number {
  const dr = px[3 * p] - c[3 * j];
  const dg = px[3 * p + 1] - c[3 * j + 1];
  const db = px[3 * p + 2] - c[3 * j + 2];
  return dr * dr + dg * dg + db * db;
}

/** k-means++: first centre uniform, each next one drawn with probability proportional to D^2. */
function seedCentres(px: Uint8Array | Uint8ClampedArray, n: number, k: number, rand: () => number): Float64Array {
  const centres: number[] = [];
  const d2 = new Float64Array(n).fill(Infinity);
  let pick = Math.min(n - 1, Math.floor(rand() * n));
  for (let j = 0; j < k; j++) {
    centres.push(px[3 * pick], px[3 * pick + 1], px[3 * pick + 2]);
    const c = Float64Array.from(centres.slice(-3));
    let total = 0;
    for (let p = 0; p < n; p++) {
      const d = sqDist(px, p, c, 0);
      if (d < d2[p]) d2[p] = d;
      total += d2[p];
    }
    if (total === 0) break; // every pixel sits on a centre: no more distinct colours
    let r = rand() * total;
    pick = n - 1;
    for (let p = 0; p < n; p++) {
      r -= d2[p];
      if (r < 0 && d2[p] > 0) {
        pick = p;
        break;
      }
    }
    while (d2[pick] === 0) pick--; // rounding at the end of the walk: step back to a non-centre
  }
  return Float64Array.from(centres);
}

/** Clusters the pixel colours; ids are renumbered 0..count-1 in raster order of first use. */
export function kmeansColour(image: RgbImage, options: KMeansColourOptions = {}): BaselineSegmentation {
  assertRgbImage(image);
  const o = { ...DEFAULTS, ...options };
  if (!Number.isInteger(o.k) || o.k < 1) throw new OptionError('k', `must be a positive integer, got ${o.k}`);
  if (!Number.isInteger(o.maxIterations) || o.maxIterations < 0) throw new OptionError('maxIterations', `must be a non-negative integer, got ${o.maxIterations}`);
  if (!(o.tolerance >= 0)) throw new OptionError('tolerance', `must be >= 0, got ${o.tolerance}`);
  const px = image.data;
  const n = image.width * image.height;
  const centres = seedCentres(px, n, o.k, seededRandom(o.seed));
  const k = centres.length / 3;
  const assign = new Int32Array(n);
  const sums = new Float64Array(3 * k);
  const counts = new Float64Array(k);
  let converged = false;
  for (let it = 0; ; it++) {
    sums.fill(0);
    counts.fill(0);
    for (let p = 0; p < n; p++) {
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < k; j++) {
        const d = sqDist(px, p, centres, j);
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      assign[p] = best;
      counts[best]++;
      sums[3 * best] += px[3 * p];
      sums[3 * best + 1] += px[3 * p + 1];
      sums[3 * best + 2] += px[3 * p + 2];
    }
    // The last pass assigns pixels to the final centres.
    if (converged || it === o.maxIterations) break;
    let moved = 0;
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) continue; // an empty cluster keeps its centre
      for (let c = 0; c < 3; c++) {
        const v = sums[3 * j + c] / counts[j];
        moved = Math.max(moved, Math.abs(v - centres[3 * j + c]));
        centres[3 * j + c] = v;
      }
    }
    converged = moved <= o.tolerance;
  }
  // Renumber by first appearance so ids are contiguous even if a cluster ended empty.
  const remap = new Int32Array(k).fill(-1);
  let count = 0;
  for (let p = 0; p < n; p++) {
    const j = assign[p];
    if (remap[j] < 0) remap[j] = count++;
    assign[p] = remap[j];
  }
  return { data: assign, width: image.width, height: image.height, count };
}

export const kmeansColourBaseline: SegmentationBaseline<KMeansColourOptions> = {
  name: 'kmeans-colour',
  description: 'k-means on RGB colour with seeded k-means++ initialisation',
  defaults: DEFAULTS,
  segment: kmeansColour,
};
