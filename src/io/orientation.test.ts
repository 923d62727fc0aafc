import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisCodes, axisOrientations, reorient, toCanonical } from './orientation.js';
import type { Affine, Volume } from './types.js';

// IXI-like layout: axis 0 runs to Posterior, axis 1 to Superior, axis 2 to Right (codes 'PSR').
const psr: Affine = [
  [0, 0, 2, -88],
  [-2, 0, 0, 118],
  [0, 2, 0, -135],
  [0, 0, 0, 1],
];

function world(aff: Affine, i: number, j: number, k: number): number[] {
  return [0, 1, 2].map((r) => aff[r][0] * i + aff[r][1] * j + aff[r][2] * k + aff[r][3]);
}

test('axisCodes: RAS for identity, PSR for the IXI layout, LPS for a DICOM-like layout', () => {
  assert.equal(axisCodes([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), 'RAS');
  assert.equal(axisCodes(psr), 'PSR');
  assert.equal(axisCodes([[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), 'LPS');
  // A 30° oblique in-plane rotation still picks the closest axes.
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  assert.equal(axisCodes([[c, -s, 0, 0], [s, c, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), 'RAS');
});

test('toCanonical: PSR 2x3x4 volume becomes RAS 4x2x3, every voxel keeps its value and world position', () => {
  const shape: [number, number, number] = [2, 3, 4];
  const data = Float32Array.from({ length: 24 }, (_, i) => i);
  const vol: Volume = { shape, spacing: [2, 2, 2], affine: psr, data };
  const can = toCanonical(vol);
  // axis 2 (R) → x; axis 0 (P) → y flipped; axis 1 (S) → z.
  assert.deepEqual(axisOrientations(psr), [
    { axis: 1, flip: true },
    { axis: 2, flip: false },
    { axis: 0, flip: false },
  ]);
  assert.deepEqual(can.shape, [4, 2, 3]);
  assert.equal(axisCodes(can.affine), 'RAS');
  // Index the canonical volume by world position of every original voxel.
  const key = (w: number[]) => w.map((v) => Math.round(v * 1000)).join(',');
  const byWorld = new Map<string, number>();
  for (let k = 0; k < 3; k++) for (let j = 0; j < 2; j++) for (let i = 0; i < 4; i++) byWorld.set(key(world(can.affine, i, j, k)), can.data[i + 4 * (j + 2 * k)]);
  for (let z = 0; z < 4; z++)
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 2; x++) assert.equal(byWorld.get(key(world(psr, x, y, z))), data[x + 2 * (y + 3 * z)], `voxel (${x},${y},${z})`);
});

test('toCanonical returns an already canonical volume unchanged; reorient with identity copies', () => {
  const vol: Volume = { shape: [2, 2, 2], spacing: [1, 1, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], data: new Float32Array(8).fill(3) };
  assert.equal(toCanonical(vol), vol);
  const same = reorient(vol, [
    { axis: 0, flip: false },
    { axis: 1, flip: false },
    { axis: 2, flip: false },
  ]);
  assert.deepEqual(same.affine, vol.affine);
  assert.deepEqual(Array.from(same.data), Array.from(vol.data));
});
