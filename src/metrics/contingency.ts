// Contingency table of two label maps: counts[i * cols + j] = pixels with id i in A and id j in B.
// Every pair-counting and information metric below reads only this table: O(n + kA * kB).
import { assertLabelMap, assertSameSize, compactLabels, type LabelMap } from './label-map.js';

/** Joint pixel counts of two segmentations of the same image. */
export interface Contingency {
  readonly rows: number; // segments in A
  readonly cols: number; // segments in B
  /** Row-major [rows, cols]. */
  readonly counts: Float64Array;
  readonly rowSums: Float64Array; // [rows]: segment sizes in A
  readonly colSums: Float64Array; // [cols]: segment sizes in B
  /** Total number of pixels. */
  readonly n: number;
}

/** Builds the table after renumbering both maps to 0..k-1 (first appearance order). */
export function contingency(a: LabelMap, b: LabelMap): Contingency {
  assertLabelMap('a', a);
  assertLabelMap('b', b);
  assertSameSize('a', a, 'b', b);
  const ca = compactLabels(a);
  const cb = compactLabels(b);
  const rows = ca.count;
  const cols = cb.count;
  const counts = new Float64Array(rows * cols);
  const rowSums = new Float64Array(rows);
  const colSums = new Float64Array(cols);
  const n = ca.labels.length;
  for (let p = 0; p < n; p++) {
    const i = ca.labels[p];
    const j = cb.labels[p];
    counts[i * cols + j]++;
    rowSums[i]++;
    colSums[j]++;
  }
  return { rows, cols, counts, rowSums, colSums, n };
}
