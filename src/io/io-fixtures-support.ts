// Helpers shared by the io tests: reference fixtures, temporary folders, tolerant comparisons.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../util/data-root.js';

/** Entries of a JSON file written by scripts/gen-io-fixtures.py, keyed by path under the data root. */
export function fixture<T>(name: 'nifti' | 'dicom' | 'images'): Record<string, T> {
  const text = readFileSync(join(packageRoot(), 'tests', 'fixtures', 'io', `${name}.json`), 'utf8');
  return (JSON.parse(text) as { files: Record<string, T> }).files;
}

/** A fresh temporary folder, and a function removing it. */
export async function tempDir(): Promise<{ dir: string; done: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-io-'));
  return { dir, done: () => rm(dir, { recursive: true, force: true }) };
}

/** |a - b| <= atol + rtol·|b|, with a message naming what was compared. */
export function assertClose(a: number, b: number, what: string, rtol = 1e-6, atol = 1e-6): void {
  assert.ok(Math.abs(a - b) <= atol + rtol * Math.abs(b), `${what}: got ${a}, expected ${b}`);
}

/** Element-wise assertClose of two 4x4 matrices. */
export function assertAffineClose(a: number[][], b: number[][], what: string, atol = 1e-4): void {
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) assertClose(a[r][c], b[r][c], `${what}[${r}][${c}]`, 0, atol);
}
