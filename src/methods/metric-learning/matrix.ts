// Row-major float matrices for the small post-hoc computations (centroids, distances, covariance):
// a few thousand tiles × ≤ 512 dimensions, done in plain TypeScript off the engine.

/** rows × cols values, row r at data[r·cols … r·cols + cols − 1]. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  if (data && data.length !== rows * cols) throw new RangeError(`matrix: ${data.length} values for ${rows}×${cols}`);
  return { rows, cols, data: data ? Float32Array.from(data) : new Float32Array(rows * cols) };
}

export function row(m: Matrix, r: number): Float32Array {
  return m.data.subarray(r * m.cols, (r + 1) * m.cols);
}

/** Rows scaled to unit L2 norm (rows of norm 0 stay 0). */
export function normalizeRows(m: Matrix): Matrix {
  const out = matrix(m.rows, m.cols, m.data);
  for (let r = 0; r < m.rows; r++) {
    const v = row(out, r);
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * v[i];
    const n = Math.sqrt(s);
    if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  }
  return out;
}

export function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

/** Rows of `m` whose index is in `idx`. */
export function selectRows(m: Matrix, idx: readonly number[]): Matrix {
  const out = matrix(idx.length, m.cols);
  idx.forEach((r, i) => out.data.set(row(m, r), i * m.cols));
  return out;
}

/** Inverse of a symmetric positive-definite n×n matrix (Float64, row-major) by Gauss–Jordan with partial pivoting. */
export function invert(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (Math.abs(m[p * n + c]) < 1e-300) throw new RangeError('invert: matrix is singular');
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
        [inv[c * n + k], inv[p * n + k]] = [inv[p * n + k], inv[c * n + k]];
      }
    }
    const d = m[c * n + c];
    for (let k = 0; k < n; k++) {
      m[c * n + k] /= d;
      inv[c * n + k] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c];
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        m[r * n + k] -= f * m[c * n + k];
        inv[r * n + k] -= f * inv[c * n + k];
      }
    }
  }
  return inv;
}
