// Axis orientation from an affine and reorientation of volumes to the closest canonical (RAS+)
// layout by permuting and flipping axes only (no resampling), as nibabel's as_closest_canonical.
import { matmul4, nearestOrthogonal } from './affine.js';
import type { Affine, Volume } from './types.js';

/** Where one array axis points: world axis (0 = x/R, 1 = y/A, 2 = z/S) and whether it runs backwards. */
export interface AxisOrientation {
  axis: 0 | 1 | 2;
  flip: boolean;
}

/**
 * For each array axis, the world axis it is closest to. The direction part of the affine is
 * made orthogonal first; then array axes are matched in order 0, 1, 2 to the world axis with
 * the largest |cosine| among those not yet taken.
 */
export function axisOrientations(aff: Affine): [AxisOrientation, AxisOrientation, AxisOrientation] {
  const zooms = [0, 1, 2].map((c) => Math.hypot(aff[0][c], aff[1][c], aff[2][c]) || 1);
  const dirs = [0, 1, 2].map((r) => [0, 1, 2].map((c) => aff[r][c] / zooms[c]));
  const r = nearestOrthogonal(dirs) ?? dirs;
  const taken = new Set<number>();
  const out: AxisOrientation[] = [];
  for (let c = 0; c < 3; c++) {
    let best = -1;
    for (let w = 0; w < 3; w++) {
      if (taken.has(w)) continue;
      if (best < 0 || Math.abs(r[w][c]) > Math.abs(r[best][c])) best = w;
    }
    taken.add(best);
    out.push({ axis: best as 0 | 1 | 2, flip: r[best][c] < 0 });
  }
  return out as [AxisOrientation, AxisOrientation, AxisOrientation];
}

const LABELS = [
  ['L', 'R'],
  ['P', 'A'],
  ['I', 'S'],
];

/** Axis codes such as 'RAS' or 'PSR': the world direction each array axis increases towards. */
export function axisCodes(aff: Affine): string {
  return axisOrientations(aff)
    .map((o) => LABELS[o.axis][o.flip ? 0 : 1])
    .join('');
}

/** True when the volume already has RAS+ layout (axis i → world i, none flipped). */
export function isCanonical(aff: Affine): boolean {
  return axisOrientations(aff).every((o, i) => o.axis === i && !o.flip);
}

/**
 * Permute and flip a volume's axes as `orient` says (array axis i becomes axis orient[i].axis,
 * reversed when flip). Values are moved, never interpolated; the affine is updated so every voxel
 * keeps its world position.
 */
export function reorient(vol: Volume, orient: readonly AxisOrientation[]): Volume {
  const [nx, ny, nz] = vol.shape;
  const shape: [number, number, number] = [0, 0, 0];
  const spacing: [number, number, number] = [0, 0, 0];
  orient.forEach((o, i) => {
    shape[o.axis] = vol.shape[i];
    spacing[o.axis] = vol.spacing[i];
  });
  if (shape.includes(0)) throw new Error('reorient: orientation is not a permutation of the axes');
  const newStride = [1, shape[0], shape[0] * shape[1]];
  // Step in the output for one step along each input axis, and where input voxel (0,0,0) lands.
  const step = orient.map((o) => (o.flip ? -1 : 1) * newStride[o.axis]);
  let start = 0;
  orient.forEach((o, i) => {
    if (o.flip) start += newStride[o.axis] * (vol.shape[i] - 1);
  });
  const src = vol.data;
  const out = new Float32Array(src.length);
  let k = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      let o = start + y * step[1] + z * step[2];
      for (let x = 0; x < nx; x++, o += step[0]) out[o] = src[k++];
    }
  }
  // New index n maps to old index v with v_i = flip ? (shape_i - 1 - n_axis) : n_axis.
  const t: Affine = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 1],
  ];
  orient.forEach((o, i) => {
    t[i][o.axis] = o.flip ? -1 : 1;
    t[i][3] = o.flip ? vol.shape[i] - 1 : 0;
  });
  return { shape, spacing, affine: matmul4(vol.affine, t), data: out };
}

/** The volume in closest RAS+ layout; returned unchanged when it already is. */
export function toCanonical(vol: Volume): Volume {
  if (isCanonical(vol.affine)) return vol;
  return reorient(vol, axisOrientations(vol.affine));
}
