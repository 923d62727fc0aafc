// Voxel-to-world affines of NIfTI headers: qform (quaternion), sform (rows), fallback, and back.
// Quaternion convention of the NIfTI-1 standard (nifti1.h, "METHOD 2"); nibabel's choice of
// affine (sform if its code > 0, else qform if its code > 0, else the Analyze-style base affine).
import type { Affine, NiftiHeader } from './types.js';

export type Mat3 = number[][];

/** 4x4 identity. */
export function identity4(): Affine {
  return [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => (r === c ? 1 : 0)));
}

/** Product a·b of 4x4 matrices. */
export function matmul4(a: Affine, b: Affine): Affine {
  return a.map((row) => [0, 1, 2, 3].map((c) => row[0] * b[0][c] + row[1] * b[1][c] + row[2] * b[2][c] + row[3] * b[3][c]));
}

function det3(m: Mat3): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

/** Inverse transpose of a 3x3 matrix (cofactor matrix / determinant). */
function invTranspose3(m: Mat3): Mat3 {
  const d = det3(m);
  const cof = (r: number, c: number) => {
    const rs = [0, 1, 2].filter((i) => i !== r);
    const cs = [0, 1, 2].filter((i) => i !== c);
    const minor = m[rs[0]][cs[0]] * m[rs[1]][cs[1]] - m[rs[0]][cs[1]] * m[rs[1]][cs[0]];
    return ((r + c) % 2 === 0 ? 1 : -1) * minor;
  };
  return [0, 1, 2].map((r) => [0, 1, 2].map((c) => cof(r, c) / d));
}

/**
 * Nearest orthogonal matrix to a non-singular 3x3 matrix (orthogonal factor of the polar
 * decomposition), by Newton's iteration X <- (X + X^-T) / 2, which converges quadratically.
 * Returns undefined for a (near-)singular matrix.
 */
export function nearestOrthogonal(m: Mat3): Mat3 | undefined {
  let x = m.map((row) => row.slice());
  const scale = Math.max(...x.flat().map(Math.abs));
  if (!(scale > 0) || Math.abs(det3(x)) < 1e-12 * scale ** 3) return undefined;
  for (let it = 0; it < 100; it++) {
    const y = invTranspose3(x);
    let change = 0;
    const next = x.map((row, r) => row.map((v, c) => (v + y[r][c]) / 2));
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) change = Math.max(change, Math.abs(next[r][c] - x[r][c]));
    x = next;
    if (change < 1e-15) break;
  }
  return x;
}

/** Rotation matrix of the unit quaternion (a, b, c, d) with a = sqrt(1 - b² - c² - d²). */
export function quaternionToRotation(b: number, c: number, d: number): Mat3 {
  let a2 = 1 - (b * b + c * c + d * d);
  if (a2 < 0) {
    // Not quite a unit quaternion (float32 rounding): renormalise b, c, d and take a = 0.
    const n = Math.sqrt(b * b + c * c + d * d);
    b /= n;
    c /= n;
    d /= n;
    a2 = 0;
  }
  const a = Math.sqrt(a2);
  return [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - b * b - c * c],
  ];
}

/** qform affine of a header: rotation · diag(pixdim[1], pixdim[2], qfac·pixdim[3]) + qoffset. */
export function qformAffine(h: NiftiHeader): Affine {
  const r = quaternionToRotation(h.quaternB, h.quaternC, h.quaternD);
  const qfac = h.pixdim[0] < 0 ? -1 : 1;
  const z = [h.pixdim[1], h.pixdim[2], h.pixdim[3] * qfac];
  const t = [h.qoffsetX, h.qoffsetY, h.qoffsetZ];
  return [...[0, 1, 2].map((i) => [r[i][0] * z[0], r[i][1] * z[1], r[i][2] * z[2], t[i]]), [0, 0, 0, 1]];
}

/** sform affine of a header: the srow_x/y/z rows. */
export function sformAffine(h: NiftiHeader): Affine {
  return [...h.srow.map((row) => row.slice()), [0, 0, 0, 1]];
}

/** Analyze-style affine used when neither qform nor sform is set: x flipped, origin at the centre. */
export function baseAffine(h: NiftiHeader): Affine {
  const z = [1, 2, 3].map((i) => (h.pixdim[i] > 0 ? h.pixdim[i] : 1));
  const n = [1, 2, 3].map((i) => (i <= h.dim[0] ? h.dim[i] : 1));
  return [
    [-z[0], 0, 0, ((n[0] - 1) / 2) * z[0]],
    [0, z[1], 0, (-(n[1] - 1) / 2) * z[1]],
    [0, 0, z[2], (-(n[2] - 1) / 2) * z[2]],
    [0, 0, 0, 1],
  ];
}

/** The header's affine: sform when sform_code > 0, else qform when qform_code > 0, else the base affine. */
export function headerAffine(h: NiftiHeader): Affine {
  if (h.sformCode > 0) return sformAffine(h);
  if (h.qformCode > 0) return qformAffine(h);
  return baseAffine(h);
}

/** Column norms of the 3x3 part: voxel sizes implied by an affine. */
export function affineZooms(aff: Affine): [number, number, number] {
  const z = [0, 1, 2].map((c) => Math.hypot(aff[0][c], aff[1][c], aff[2][c]));
  return [z[0], z[1], z[2]];
}

/** qform parameters (quaternion b, c, d, qfac, zooms, offset) best matching an affine. */
export function affineToQuaternion(aff: Affine): { b: number; c: number; d: number; qfac: 1 | -1; zooms: number[]; offset: number[] } {
  const zooms = affineZooms(aff).map((z) => (z > 0 ? z : 1));
  let r: Mat3 = [0, 1, 2].map((i) => [0, 1, 2].map((j) => aff[i][j] / zooms[j]));
  let qfac: 1 | -1 = 1;
  if (det3(r) < 0) {
    qfac = -1;
    for (let i = 0; i < 3; i++) r[i][2] = -r[i][2];
  }
  r = nearestOrthogonal(r) ?? identity4().slice(0, 3).map((row) => row.slice(0, 3));
  const tr = r[0][0] + r[1][1] + r[2][2];
  let a: number, b: number, c: number, d: number;
  // Pick the largest of a, b, c, d to divide by, for accuracy.
  if (tr > 0) {
    const s = 2 * Math.sqrt(tr + 1);
    [a, b, c, d] = [s / 4, (r[2][1] - r[1][2]) / s, (r[0][2] - r[2][0]) / s, (r[1][0] - r[0][1]) / s];
  } else if (r[0][0] > r[1][1] && r[0][0] > r[2][2]) {
    const s = 2 * Math.sqrt(1 + r[0][0] - r[1][1] - r[2][2]);
    [a, b, c, d] = [(r[2][1] - r[1][2]) / s, s / 4, (r[0][1] + r[1][0]) / s, (r[0][2] + r[2][0]) / s];
  } else if (r[1][1] > r[2][2]) {
    const s = 2 * Math.sqrt(1 + r[1][1] - r[0][0] - r[2][2]);
    [a, b, c, d] = [(r[0][2] - r[2][0]) / s, (r[0][1] + r[1][0]) / s, s / 4, (r[1][2] + r[2][1]) / s];
  } else {
    const s = 2 * Math.sqrt(1 + r[2][2] - r[0][0] - r[1][1]);
    [a, b, c, d] = [(r[1][0] - r[0][1]) / s, (r[0][2] + r[2][0]) / s, (r[1][2] + r[2][1]) / s, s / 4];
  }
  if (a < 0) [b, c, d] = [-b, -c, -d];
  return { b, c, d, qfac, zooms, offset: [aff[0][3], aff[1][3], aff[2][3]] };
}
