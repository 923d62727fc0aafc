// Efficient graph-based segmentation (Felzenszwalb & Huttenlocher, IJCV 2004, doi 10.1023/B:VISI.0000022288.19776.77)
// with scikit-image's semantics (skimage.segmentation.felzenszwalb): Gaussian-smoothed channels,
// 8-neighbour grid graph weighted by Euclidean colour distance, merge when the edge weight is below
// min over both components of Int(C) + k/|C|, then merge components smaller than minSize.
import { OptionError } from '../../../util/errors.js';
import { gaussianSmooth } from '../../../data/gaussian.js';
import { assertRgbImage, type RgbImage } from './rgb-image.js';
import type { BaselineSegmentation, SegmentationBaseline } from './segmentation-baseline.js';

/** Options for {@link felzenszwalb}; defaults are skimage's. */
export interface FelzenszwalbOptions {
  /** Observation scale k (larger = larger segments), in 0-255 colour units as in the paper. @default 1 */
  scale?: number;
  /** Standard deviation of the Gaussian pre-smoothing, pixels. @default 0.8 */
  sigma?: number;
  /** Components smaller than this many pixels are merged into a neighbour afterwards. @default 20 */
  minSize?: number;
}

const DEFAULTS: Required<FelzenszwalbOptions> = { scale: 1, sigma: 0.8, minSize: 20 };

// Union-find whose root is always the smallest pixel index, as skimage's join_trees.
function findRoot(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]]; // path halving
    i = parent[i];
  }
  return i;
}

/** Builds the 8-neighbour edge list in skimage's order: right, down, down-right, up-right. */
function buildEdges(img: Float64Array, w: number, h: number): { a: Int32Array; b: Int32Array; cost: Float64Array } {
  const m = h * (w - 1) + (h - 1) * w + 2 * (h - 1) * (w - 1);
  const a = new Int32Array(m);
  const b = new Int32Array(m);
  const cost = new Float64Array(m);
  let e = 0;
  const add = (p: number, q: number): void => {
    const d0 = img[3 * p] - img[3 * q];
    const d1 = img[3 * p + 1] - img[3 * q + 1];
    const d2 = img[3 * p + 2] - img[3 * q + 2];
    a[e] = p;
    b[e] = q;
    cost[e++] = Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
  };
  for (let y = 0; y < h; y++) for (let x = 0; x < w - 1; x++) add(y * w + x + 1, y * w + x);
  for (let y = 0; y < h - 1; y++) for (let x = 0; x < w; x++) add((y + 1) * w + x, y * w + x);
  for (let y = 0; y < h - 1; y++) for (let x = 0; x < w - 1; x++) add((y + 1) * w + x + 1, y * w + x);
  for (let y = 0; y < h - 1; y++) for (let x = 0; x < w - 1; x++) add(y * w + x + 1, (y + 1) * w + x);
  return { a, b, cost };
}

/**
 * Segments an RGB image. Matches skimage 0.19 label for label when no two edge weights tie;
 * tied weights are taken in edge-list order here (a stable sort), while numpy's argsort
 * (introsort) may order them otherwise, so on real photographs a few segments can differ.
 */
export function felzenszwalb(image: RgbImage, options: FelzenszwalbOptions = {}): BaselineSegmentation {
  assertRgbImage(image);
  const o = { ...DEFAULTS, ...options };
  if (!(o.scale >= 0) || !Number.isFinite(o.scale)) throw new OptionError('scale', `must be a finite number >= 0, got ${o.scale}`);
  if (!Number.isInteger(o.minSize) || o.minSize < 0) throw new OptionError('minSize', `must be a non-negative integer, got ${o.minSize}`);
  const { width: w, height: h } = image;
  const n = w * h;
  // img_as_float64 multiplies by 1/255; skimage then divides scale by 255 to stay in those units.
  const inv = 1 / 255;
  const f = new Float64Array(3 * n);
  for (let i = 0; i < 3 * n; i++) f[i] = image.data[i] * inv;
  const smooth = gaussianSmooth(f, w, h, 3, o.sigma);
  const scale = o.scale / 255;
  const { a, b, cost } = buildEdges(smooth, w, h);
  const m = cost.length;
  const order = new Uint32Array(m);
  for (let e = 0; e < m; e++) order[e] = e;
  order.sort((p, q) => cost[p] - cost[q] || p - q);

  const parent = new Int32Array(n);
  for (let p = 0; p < n; p++) parent[p] = p;
  const size = new Int32Array(n).fill(1);
  const internal = new Float64Array(n); // Int(C): largest MST edge inside C
  const join = (r0: number, r1: number): void => {
    const root = Math.min(r0, r1);
    parent[r0] = root;
    parent[r1] = root;
    size[root] = size[r0] + size[r1];
  };
  for (let i = 0; i < m; i++) {
    const e = order[i];
    const r0 = findRoot(parent, a[e]);
    const r1 = findRoot(parent, b[e]);
    if (r0 === r1) continue;
    // skimage keeps these thresholds in single precision (cdef float); fround reproduces that.
    const t0 = Math.fround(internal[r0] + scale / size[r0]);
    const t1 = Math.fround(internal[r1] + scale / size[r1]);
    if (cost[e] < Math.min(t0, t1)) {
      join(r0, r1);
      internal[Math.min(r0, r1)] = cost[e];
    }
  }
  for (let i = 0; i < m; i++) {
    const e = order[i];
    const r0 = findRoot(parent, a[e]);
    const r1 = findRoot(parent, b[e]);
    if (r0 !== r1 && (size[r0] < o.minSize || size[r1] < o.minSize)) join(r0, r1);
  }
  // Roots are each component's first pixel, so numbering roots in raster order gives
  // skimage's ids (np.unique over root indices).
  const labels = new Int32Array(n);
  let count = 0;
  for (let p = 0; p < n; p++) {
    const r = findRoot(parent, p);
    labels[p] = r === p ? count++ : labels[r];
  }
  return { data: labels, width: w, height: h, count };
}

export const felzenszwalbBaseline: SegmentationBaseline<FelzenszwalbOptions> = {
  name: 'felzenszwalb',
  description: 'Felzenszwalb-Huttenlocher graph segmentation (skimage semantics: scale 1, sigma 0.8, min size 20)',
  defaults: DEFAULTS,
  segment: felzenszwalb,
};
