import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../data/rng.js';
import { drawLesion, insertLesion, lesionEdit, lesionTask, lesionWeight, type Lesion } from './synthetic-lesion.js';

const I3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const sphere = (r: number, edge: number, contrast = -0.5, center: [number, number, number] = [0, 0, 0]): Lesion => ({ center, radii: [r, r, r], rotation: I3, contrast, edge });

test('lesionWeight: 1 inside, 0 outside, raised cosine across the edge', () => {
  const s = sphere(3, 2);
  assert.equal(lesionWeight(s, [0, 0, 0]), 1);
  assert.equal(lesionWeight(s, [1.9, 0, 0]), 1); // 1.1 mm inside: beyond the 1 mm half-edge
  assert.equal(lesionWeight(s, [0, 4.1, 0]), 0);
  // on the surface: 0.5 - 0.5 sin(0) = 0.5; 0.5 mm outside: 0.5 - 0.5 sin(pi/4) = 0.1464...
  assert.ok(Math.abs(lesionWeight(s, [0, 0, 3]) - 0.5) < 1e-12);
  assert.ok(Math.abs(lesionWeight(s, [3.5, 0, 0]) - (0.5 - 0.5 * Math.SQRT1_2)) < 1e-12);
  // an ellipsoid with semi-axes (4, 1, 1) rotated 90 deg about axis 2 (x -> y): long along y
  const rot = [0, 1, 0, -1, 0, 0, 0, 0, 1];
  const e: Lesion = { center: [0, 0, 0], radii: [4, 1, 1], rotation: rot, contrast: -0.5, edge: 0 };
  assert.equal(lesionWeight(e, [0, 3, 0]), 1);
  assert.equal(lesionWeight(e, [3, 0, 0]), 0);
});

test('insertLesion: the three planes cut one blob at the right mm scale', () => {
  const P = 9; // centre pixel 4
  const patch = { data: new Float32Array(3 * P * P).fill(2), channels: 3, height: P, width: P };
  // sphere radius 3 mm, hard edge, contrast -0.5: inside values 2 -> 1
  const out = insertLesion(patch, sphere(3, 0), [2, 1, 1]);
  const at = (ch: number, r: number, c: number): number => out.data[(ch * P + r) * P + c];
  for (let ch = 0; ch < 3; ch++) assert.equal(at(ch, 4, 4), 1);
  // channel 0 is axial (normal to axis 2): columns along axis 0 at 2 mm, rows along axis 1 at 1 mm.
  // 2 pixels along the columns = 4 mm (outside), 2 along the rows = 2 mm (inside)
  assert.equal(at(0, 4, 6), 2);
  assert.equal(at(0, 6, 4), 1);
  assert.equal(at(0, 4, 5), 1); // 2 mm
  // channel 1 coronal (normal to axis 1): columns axis 0 (2 mm), rows axis 2 (1 mm)
  assert.equal(at(1, 4, 6), 2);
  assert.equal(at(1, 7, 4), 1); // 3 mm: on the surface; with a hard edge the surface counts as inside
  // channel 2 sagittal (normal to axis 0): columns axis 1, rows axis 2, both 1 mm: a disc of radius 3 px
  let inside = 0;
  for (let r = 0; r < P; r++) for (let c = 0; c < P; c++) if (at(2, r, c) === 1) inside++;
  // lattice points with i^2 + j^2 <= 9: 29
  assert.equal(inside, 29);
  // a lesion centred 3 mm along axis 2 lies on the axial plane's edge only: it barely touches channel 0
  const off = insertLesion(patch, sphere(2, 0, -0.5, [0, 0, 3]), [1, 1, 1]);
  assert.ok(off.data.slice(0, P * P).every((v) => v === 2), 'axial plane (z = 0) is 3 mm from a 2 mm lesion');
  assert.equal(off.data[(1 * P + 7) * P + 4], 1); // coronal, row +3 mm along axis 2: the lesion centre
  assert.ok(patch.data.every((v) => v === 2), 'input untouched');
  assert.throws(() => insertLesion({ ...patch, channels: 1, data: new Float32Array(P * P) }, sphere(1, 0), [1, 1, 1]), /^.*patch.*2\.5D patch/);
});

test('drawLesion and lesionTask: seeded, in range, exactly the asked share', () => {
  const l = drawLesion(new Rng(3), { radius: [2, 4], contrast: [0.2, 0.3], offset: 1 });
  assert.ok(l.radii.every((r) => r >= 2 && r <= 4));
  assert.ok(l.center.every((c) => Math.abs(c) <= 1));
  assert.ok(l.contrast >= 0.2 && l.contrast <= 0.3);
  // the rotation is orthonormal: R R^T = I
  const R = l.rotation;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    const d = R[3 * i] * R[3 * j] + R[3 * i + 1] * R[3 * j + 1] + R[3 * i + 2] * R[3 * j + 2];
    assert.ok(Math.abs(d - (i === j ? 1 : 0)) < 1e-12);
  }
  assert.deepEqual(drawLesion(new Rng(3), { radius: [2, 4], contrast: [0.2, 0.3] }), l);
  assert.throws(() => drawLesion(new Rng(0), { radius: [3, 2] }), { message: /^radius:/ });
  assert.throws(() => drawLesion(new Rng(0), { contrast: [-2, 0] }), { message: /^contrast:/ });
  const items = Array.from({ length: 10 }, (_, i) => ({ volume: 'v.nii', point: [i, 0, 0] as [number, number, number], label: 7 }));
  const t = lesionTask(items, { fraction: 0.3, seed: 5 });
  assert.equal(t.filter((it) => it.label === 1).length, 3); // round(0.3 * 10)
  assert.ok(t.every((it) => (it.label === 1) === (it.lesion !== undefined)));
  assert.deepEqual(lesionTask(items, { fraction: 0.3, seed: 5 }), t);
  assert.notDeepEqual(lesionTask(items, { fraction: 0.3, seed: 6 }).map((it) => it.label), t.map((it) => it.label));
  assert.throws(() => lesionTask(items, { fraction: 1.5 }), { message: /^fraction:/ });
  // lesionEdit leaves lesion-free patches as they are
  const patch = { data: new Float32Array(3 * 25).fill(1), channels: 3, height: 5, width: 5 };
  const neg = t.find((it) => it.label === 0)!;
  assert.equal(lesionEdit(patch, neg, 0, [1, 1, 1]), patch);
  const pos = t.find((it) => it.label === 1)!;
  assert.ok(lesionEdit(patch, pos, 0, [1, 1, 1]).data.some((v) => v !== 1));
});
