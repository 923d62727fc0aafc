// Test support: PyTorch fixtures (written by scripts/gen-fixtures.py) and tolerant comparisons.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors } from '../engine/safetensors.js';
import type { Tensor } from '../engine/tensor.js';
import { packageRoot } from '../util/data-root.js';

export function fixturePath(...parts: string[]): string {
  return join(packageRoot(), 'tests', 'fixtures', ...parts);
}

export function loadFixture(...parts: string[]): Map<string, Tensor> {
  const p = fixturePath(...parts);
  if (!existsSync(p)) throw new Error(`fixture ${p} missing: run "npm run fixtures"`);
  return loadSafetensors(p).tensors;
}

export function loadJsonFixture<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), 'utf8')) as T;
}

export interface Tolerance {
  /** @default 1e-5 */ atol?: number;
  /** @default 1e-4 */ rtol?: number;
}

/** Asserts same shape and |a − b| ≤ atol + rtol·|b| elementwise (exact for integer and bool). */
export function assertClose(actual: Tensor, expected: Tensor, what: string, tol: Tolerance = {}): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.data() as ArrayLike<number | bigint>;
  const b = expected.data() as ArrayLike<number | bigint>;
  const atol = tol.atol ?? 1e-5;
  const rtol = tol.rtol ?? 1e-4;
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(excess <= 0) && (worstAt < 0 || excess > worst)) {
      worst = excess;
      worstAt = i;
    }
  }
  if (worstAt >= 0) {
    assert.fail(`${what}: element ${worstAt} is ${Number(a[worstAt])}, expected ${Number(b[worstAt])} (atol ${atol}, rtol ${rtol})`);
  }
}

/** Asserts two plain number arrays agree within tolerance. */
export function assertNumbersClose(actual: readonly number[], expected: readonly number[], what: string, tol = 1e-6): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((x, i) => {
    assert.ok(Math.abs(x - expected[i]) <= tol * (1 + Math.abs(expected[i])), `${what}[${i}]: ${x} vs ${expected[i]}`);
  });
}
