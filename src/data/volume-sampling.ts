// Point sampling of a volume at fractional voxel coordinates: trilinear or nearest, constant outside.
import type { Volume } from '../io/index.js';

/** How values between voxel centres are found. */
export type Interpolation = 'linear' | 'nearest';

/** Value at voxel coordinates (x, y, z): trilinear over the 8 neighbours, voxels outside the grid count as `fill`. */
export function sampleLinear(vol: Volume, x: number, y: number, z: number, fill: number): number {
  const [X, Y, Z] = vol.shape;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const z0 = Math.floor(z);
  const fx = x - x0;
  const fy = y - y0;
  const fz = z - z0;
  let v = 0;
  for (let dz = 0; dz < 2; dz++) {
    const wz = dz ? fz : 1 - fz;
    if (wz === 0) continue;
    const zi = z0 + dz;
    for (let dy = 0; dy < 2; dy++) {
      const wy = dy ? fy : 1 - fy;
      if (wy === 0) continue;
      const yi = y0 + dy;
      for (let dx = 0; dx < 2; dx++) {
        const wx = dx ? fx : 1 - fx;
        if (wx === 0) continue;
        const xi = x0 + dx;
        const inside = xi >= 0 && xi < X && yi >= 0 && yi < Y && zi >= 0 && zi < Z;
        v += wx * wy * wz * (inside ? vol.data[xi + X * (yi + Y * zi)] : fill);
      }
    }
  }
  return v;
}

/** Value of the nearest voxel (halves round up), or `fill` outside the grid. */
export function sampleNearest(vol: Volume, x: number, y: number, z: number, fill: number): number {
  const [X, Y, Z] = vol.shape;
  const xi = Math.floor(x + 0.5);
  const yi = Math.floor(y + 0.5);
  const zi = Math.floor(z + 0.5);
  if (xi < 0 || xi >= X || yi < 0 || yi >= Y || zi < 0 || zi >= Z) return fill;
  return vol.data[xi + X * (yi + Y * zi)];
}

/** Voxel coordinates of a world (RAS+ mm) point, by inverting the volume's affine. */
export function worldToVoxel(vol: Volume, point: readonly [number, number, number]): [number, number, number] {
  const a = vol.affine;
  const m = [0, 1, 2].map((r) => [a[r][0], a[r][1], a[r][2]]);
  const b = [0, 1, 2].map((r) => point[r] - a[r][3]);
  const det =
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  if (Math.abs(det) < 1e-12) throw new RangeError('worldToVoxel: the affine is singular');
  // Cramer's rule: replace column c by b.
  const solve = (c: number): number => {
    const n = m.map((row, r) => row.map((v, k) => (k === c ? b[r] : v)));
    return (n[0][0] * (n[1][1] * n[2][2] - n[1][2] * n[2][1]) - n[0][1] * (n[1][0] * n[2][2] - n[1][2] * n[2][0]) + n[0][2] * (n[1][0] * n[2][1] - n[1][1] * n[2][0])) / det;
  };
  return [solve(0), solve(1), solve(2)];
}

/** Centroid (mean voxel coordinates) and voxel count of every non-zero label. */
export function labelCentroids(labels: Volume): Map<number, { centroid: [number, number, number]; count: number }> {
  const [X, Y] = labels.shape;
  const acc = new Map<number, [number, number, number, number]>();
  const d = labels.data;
  for (let i = 0; i < d.length; i++) {
    const l = d[i];
    if (l === 0) continue;
    let a = acc.get(l);
    if (!a) acc.set(l, (a = [0, 0, 0, 0]));
    const x = i % X;
    const yz = (i - x) / X;
    const y = yz % Y;
    a[0] += x;
    a[1] += y;
    a[2] += (yz - y) / Y;
    a[3]++;
  }
  const out = new Map<number, { centroid: [number, number, number]; count: number }>();
  for (const l of [...acc.keys()].sort((p, q) => p - q)) {
    const [sx, sy, sz, n] = acc.get(l)!;
    out.set(l, { centroid: [sx / n, sy / n, sz / n], count: n });
  }
  return out;
}
