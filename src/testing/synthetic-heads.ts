// Test support: small NIfTI "subjects" of two classes that differ in one structure, for end-to-end
// tests of the classifier, CycleGAN and explanation commands.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeNifti } from '../io/index.js';
import { Rng } from '../data/rng.js';

export const HEAD_SIDE = 24;

/**
 * A 24³ "head": a noisy sphere of radius 9 (value ~100); class 'big' has a dark central blob of
 * radius 5 (a ventricle), 'small' one of radius 2, both jittered ±1.5 voxels; the blob shows in
 * every axial slice of the middle third.
 */
export async function writeHead(path: string, big: boolean, rng: Rng): Promise<void> {
  const N = HEAD_SIDE;
  const data = new Float32Array(N * N * N);
  const r = big ? 5 : 2;
  const [cx, cy] = [12 + (rng.next() - 0.5) * 3, 12 + (rng.next() - 0.5) * 3];
  for (let z = 0; z < N; z++) {
    for (let y = 0; y < N; y++) {
      for (let x = 0; x < N; x++) {
        const head = (x - 12) ** 2 + (y - 12) ** 2 + (z - 12) ** 2 <= 81;
        const blob = (x - cx) ** 2 + (y - cy) ** 2 <= r * r && Math.abs(z - 12) <= 5;
        data[x + N * (y + N * z)] = head ? (blob ? 20 : 100) + (rng.next() - 0.5) * 30 : 0;
      }
    }
  }
  await writeNifti(path, { shape: [N, N, N], affine: [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]], data }, { dtype: 'float32' });
}

/** root/big and root/small with `perClass` subjects each, named s<seed>-<i>.nii.gz. */
export async function writeHeadSet(root: string, perClass: number, seed: number): Promise<void> {
  const rng = new Rng(seed);
  for (const cls of ['big', 'small']) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < perClass; i++) await writeHead(join(root, cls, `s${seed}-${i}.nii.gz`), cls === 'big', rng);
  }
}
