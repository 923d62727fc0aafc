import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affineToQuaternion, baseAffine, matmul4, nearestOrthogonal, qformAffine, quaternionToRotation } from './affine.js';
import { headerFor } from './nifti-write.js';
import { assertAffineClose, assertClose } from './io-fixtures-support.js';

test('quaternion (0, 0, 1): rotation by 180° about z (known answer)', () => {
  // b = c = 0, d = 1 → a = 0: R = diag(-1, -1, 1).
  const r = quaternionToRotation(0, 0, 1);
  assert.deepEqual(r.map((row) => row.map((v) => v + 0)), [
    [-1, 0, 0],
    [0, -1, 0],
    [0, 0, 1],
  ]);
});

test('quaternion (0.5, 0.5, 0.5): the axis permutation x→y→z→x (IXI files use it)', () => {
  // a = sqrt(1 - 0.75) = 0.5: R = [[0,0,1],[1,0,0],[0,1,0]].
  const r = quaternionToRotation(0.5, 0.5, 0.5);
  const want = [
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0],
  ];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assertClose(r[i][j], want[i][j], `R[${i}][${j}]`, 0, 1e-12);
});

test('affine → quaternion → affine round trip, with and without a flip', () => {
  const c = Math.cos(0.3);
  const s = Math.sin(0.3);
  const rot = [
    [c, -s, 0, 5],
    [s, c, 0, -7],
    [0, 0, 1, 9],
    [0, 0, 0, 1],
  ];
  for (const flip of [1, -1]) {
    const zoom = [
      [1.5, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 3 * flip, 0],
      [0, 0, 0, 1],
    ];
    const aff = matmul4(rot, zoom);
    const q = affineToQuaternion(aff);
    assert.equal(q.qfac, flip);
    const h = headerFor({ shape: [2, 2, 2], affine: aff, data: new Float32Array(8) }, 'float32');
    assertAffineClose(qformAffine(h), aff, `qform (flip ${flip})`, 1e-12);
  }
});

test('nearestOrthogonal: identity on a rotation, orthogonalises a skewed matrix', () => {
  const r = quaternionToRotation(0.1, 0.2, 0.3);
  const o = nearestOrthogonal(r)!;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assertClose(o[i][j], r[i][j], `R[${i}][${j}]`, 0, 1e-12);
  const skew = nearestOrthogonal([
    [1, 0.2, 0],
    [0, 1, 0],
    [0, 0, 2],
  ])!;
  // Columns come out orthonormal: skewᵀ·skew = I.
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const dot = skew[0][i] * skew[0][j] + skew[1][i] * skew[1][j] + skew[2][i] * skew[2][j];
      assertClose(dot, i === j ? 1 : 0, `dot ${i},${j}`, 0, 1e-12);
    }
  assert.equal(nearestOrthogonal([[1, 0, 0], [0, 1, 0], [0, 0, 0]]), undefined);
});

test('baseAffine: Analyze convention, x flipped and origin at the centre voxel (known answer)', () => {
  const h = headerFor({ shape: [5, 3, 1], affine: matmul4([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]]), data: new Float32Array(15) }, 'float32');
  // centre (2, 1, 0) with 2 mm voxels: x offset +4, y offset -2, z 0.
  assert.deepEqual(baseAffine(h), [
    [-2, 0, 0, 4],
    [0, 2, 0, -2],
    [0, 0, 2, -0],
    [0, 0, 0, 1],
  ]);
});
