import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { liveTensors } from '../engine/index.js';
import { readNifti, writeNifti, axisCodes } from '../io/index.js';
import { InputError, OptionError } from '../util/errors.js';
import { at, tempDir } from './fixtures-support.js';
import { DataLoader } from './loader.js';
import { jitterOffset, patchSource, type PatchItem } from './patch-source.js';
import type { LoadContext } from './loader.js';
import { Rng } from './rng.js';
import { worldToVoxel } from './volume-sampling.js';

// A volume stored P-S-R (like the IXI files: axis 0 runs posterior, 1 superior, 2 right) with
// voxels of 1 x 2 x 3 mm, whose value is f(R, A, S) = R + 100 A + 10000 S at each voxel's world
// position. Trilinear sampling of a linear function is exact, so a patch shows world positions.
const f = (R: number, A: number, S: number): number => R + 100 * A + 10000 * S;
const SHAPE: [number, number, number] = [30, 20, 12];
const AFFINE = [
  [0, 0, 3, 10], // R = 3 k + 10
  [-1, 0, 0, 50], // A = 50 - i
  [0, 2, 0, -20], // S = 2 j - 20
  [0, 0, 0, 1],
];

async function writePsrVolume(path: string): Promise<void> {
  const [X, Y, Z] = SHAPE;
  const data = new Float32Array(X * Y * Z);
  for (let k = 0; k < Z; k++) for (let j = 0; j < Y; j++) for (let i = 0; i < X; i++) data[i + X * (j + Y * k)] = f(3 * k + 10, 50 - i, 2 * j - 20);
  await writeNifti(path, { shape: SHAPE, affine: AFFINE, data }, { dtype: 'float32' });
}

const ctx = (epoch: number): LoadContext => ({ epoch, rng: new Rng(0) });

test('patchSource on a P-S-R volume with 1x2x3 mm voxels: channels are axial, coronal, sagittal in RAS+, 2 mm per pixel', async () => {
  const { dir, done } = await tempDir();
  try {
    const path = join(dir, 'psr.nii.gz');
    await writePsrVolume(path);
    const ras = await readNifti(path, { canonical: true });
    assert.equal(axisCodes(ras.affine), 'RAS');
    const centre: [number, number, number] = [25, 35, 0]; // R, A, S in mm
    const items: PatchItem[] = [{ volume: path, point: worldToVoxel(ras, centre), label: 4 }];
    // 5 pixels over 10 mm: 2 mm per pixel along every axis, whatever the voxel size
    const s = await patchSource(items, { patch: { pixels: 5, size: 10, unit: 'mm' } }).load(0, ctx(0));
    assert.equal(s.label, 4);
    assert.deepEqual([s.image.channels, s.image.height, s.image.width], [3, 5, 5]);
    const near = (got: number, want: number, what: string): void => assert.ok(Math.abs(got - want) < 0.05, `${what}: ${got} vs ${want}`);
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 5; c++) {
        const [dc, dr] = [2 * (c - 2), 2 * (r - 2)];
        near(at(s.image, 0, r, c), f(25 + dc, 35 + dr, 0), `axial (cols R, rows A) ${r},${c}`);
        near(at(s.image, 1, r, c), f(25 + dc, 35, dr), `coronal (cols R, rows S) ${r},${c}`);
        near(at(s.image, 2, r, c), f(25, 35 + dc, dr), `sagittal (cols A, rows S) ${r},${c}`);
      }
    }
    // in voxel units the step follows each canonical axis' voxel size (R 3 mm, A 1 mm, S 2 mm)
    const v = await patchSource(items, { patch: { pixels: 3 } }).load(0, ctx(0));
    near(at(v.image, 0, 1, 2) - at(v.image, 0, 1, 1), 3, 'one voxel along R');
    near(at(v.image, 0, 2, 1) - at(v.image, 0, 1, 1), 100, 'one voxel along A');
    near(at(v.image, 1, 2, 1) - at(v.image, 1, 1, 1), 2 * 10000, 'one voxel along S');
  } finally {
    await done();
  }
});

test('patchSource jitter: bounded in mm, fixed per (seed, epoch, item), independent of batching', async () => {
  const { dir, done } = await tempDir();
  try {
    const path = join(dir, 'psr.nii.gz');
    await writePsrVolume(path);
    const ras = await readNifti(path, { canonical: true });
    const items: PatchItem[] = [0, 1, 2, 3, 4, 5].map((k) => ({ volume: path, point: worldToVoxel(ras, [22 + k, 35, 0]), label: k % 2 }));
    const src = patchSource(items, { patch: { pixels: 3 }, jitter: 1.5, seed: 9 });
    let moved = 0;
    for (let i = 0; i < items.length; i++) {
      for (let epoch = 0; epoch < 3; epoch++) {
        const d = jitterOffset(ras.spacing, 1.5, 9, epoch, i);
        d.forEach((dv, a) => assert.ok(Math.abs(dv * ras.spacing[a]) <= 1.5, `axis ${a}: ${dv * ras.spacing[a]} mm`));
        if (d.some((dv) => dv !== 0)) moved++;
        // the patch centre is the trilinear value at the shifted point
        const s = await src.load(i, ctx(epoch));
        const p = items[i].point;
        const want = f(...([0, 1, 2].map((r) => ras.affine[r][0] * (p[0] + d[0]) + ras.affine[r][1] * (p[1] + d[1]) + ras.affine[r][2] * (p[2] + d[2]) + ras.affine[r][3]) as [number, number, number]));
        assert.ok(Math.abs(at(s.image, 0, 1, 1) - want) < 0.05, `item ${i} epoch ${epoch}: ${at(s.image, 0, 1, 1)} vs ${want}`);
      }
    }
    assert.equal(moved, 18);
    assert.notDeepEqual(jitterOffset(ras.spacing, 1.5, 9, 0, 0), jitterOffset(ras.spacing, 1.5, 9, 1, 0), 'a new epoch, a new shift');
    assert.notDeepEqual(jitterOffset(ras.spacing, 1.5, 9, 0, 0), jitterOffset(ras.spacing, 1.5, 10, 0, 0), 'a new seed, a new shift');
    // the same item gets the same patch whatever the batch size and the loader's order
    const byIndex = async (batchSize: number): Promise<Map<number, number[]>> => {
      const out = new Map<number, number[]>();
      for await (const b of new DataLoader(src, { batchSize, order: 'shuffle', seed: batchSize }).epoch(1)) {
        const imgs = b.images.toArray() as number[][][][];
        b.indices.forEach((idx, n) => out.set(idx, imgs[n].flat(2)));
        b.dispose();
      }
      return out;
    };
    const base = liveTensors();
    const [a, b] = [await byIndex(2), await byIndex(4)];
    for (let i = 0; i < items.length; i++) assert.deepEqual(a.get(i), b.get(i));
    assert.equal(liveTensors(), base);
  } finally {
    await done();
  }
});

test('patchSource: volumes are read and prepared once while cached; batches carry labels; edit sees the pixel spacing', async () => {
  const { dir, done } = await tempDir();
  try {
    const path = join(dir, 'psr.nii.gz');
    await writePsrVolume(path);
    let prepared = 0;
    const steps: number[][] = [];
    const items: PatchItem[] = [0, 1, 2, 3].map((k) => ({ volume: path, point: [5 + k, 6, 7], label: k }));
    const src = patchSource(items, {
      patch: { pixels: 4, size: 8, unit: 'mm' },
      prepareVolume: (v) => (prepared++, { ...v, data: v.data.map(() => 1) }),
      edit: (p, _it, _i, step) => (steps.push(step), { ...p, data: p.data.map((x) => x * 2) }),
    });
    const loader = new DataLoader(src, { batchSize: 4, order: 'sequential' });
    for await (const b of loader) {
      assert.deepEqual(b.images.shape, [4, 3, 4, 4]);
      assert.deepEqual(Array.from(b.labels!.data() as BigInt64Array, Number), [0, 1, 2, 3]);
      // prepared to 1 everywhere inside, doubled by the edit; outside the volume the fill (0) stays 0
      assert.ok((b.images.data() as Float32Array).every((x) => x === 2 || x === 0));
      b.dispose();
    }
    assert.equal(prepared, 1);
    assert.deepEqual(steps[0], [2, 2, 2]);
    assert.equal(src.labelOf!(3), 3);
  } finally {
    await done();
  }
});

test('patchSource bad input: one-line errors naming the option or the file', async () => {
  const ok: PatchItem[] = [{ volume: '/nonexistent/v.nii.gz', point: [1, 2, 3], label: 0 }];
  const errs: [() => unknown, RegExp][] = [
    [() => patchSource([{ volume: 'a.nii', point: [1, Number.NaN, 3], label: 0 }]), /^items: item 0 \(a\.nii\)/],
    [() => patchSource(ok, { jitter: -1 }), /^jitter:/],
    [() => patchSource(ok, { cacheSize: 0 }), /^cacheSize:/],
    [() => patchSource(ok, { patch: { pixels: 0 } }), /^pixels:/],
    [() => patchSource(ok, { patch: { unit: 'cm' as 'mm' } }), /^unit:/],
  ];
  for (const [fn, re] of errs) assert.throws(fn, (e: Error) => e instanceof OptionError && re.test(e.message) && !e.message.includes('\n'), String(re));
  await assert.rejects(patchSource(ok).load(0, ctx(0)), (e: Error) => e instanceof InputError && e.message.startsWith('/nonexistent/v.nii.gz') && !e.message.includes('\n'));
});
