// Test helper: reads the JSON reference values written by scripts/gen-metric-fixtures.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/data-root.js';

/** Parsed tests/fixtures/metrics/<name>; the shape is the caller's to state. */
export function loadMetricFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(packageRoot(), 'tests', 'fixtures', 'metrics', name), 'utf8')) as T;
}

/** Asserts |actual - expected| <= tol, with a message naming the quantity. */
export function assertClose(actual: number, expected: number, tol: number, what: string): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: got ${actual}, expected ${expected} (tolerance ${tol})`);
  }
}
