// Helpers shared by the softmax-baseline scores: the row-wise max and log-sum-exp of logits.
import { row, type Matrix } from '../matrix.js';

export function rowMax(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = Math.max(...row(m, i));
  return out;
}

/** log Σ exp(x / T) per row, computed stably. */
export function rowLogSumExp(m: Matrix, temperature = 1): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    const v = row(m, i);
    let mx = -Infinity;
    for (const x of v) mx = Math.max(mx, x / temperature);
    let s = 0;
    for (const x of v) s += Math.exp(x / temperature - mx);
    out[i] = mx + Math.log(s);
  }
  return out;
}
