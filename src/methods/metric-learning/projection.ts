// 2-D projections of embeddings for the report: PCA (top two principal axes, power iteration with
// deflation) and UMAP (umap-js, McInnes et al., arXiv 1802.03426) with a seeded random stream.
import { UMAP } from 'umap-js';
import { Rng } from '../../data/index.js';
import { row, type Matrix } from './matrix.js';

export interface Projection {
  x: Float64Array;
  y: Float64Array;
}

/** Project rows onto the top two principal axes of `fitOn` (default: the rows themselves); extra points (e.g. centroids) use the same axes. */
export function pca2(m: Matrix, extra?: Matrix): { points: Projection; extra?: Projection } {
  const d = m.cols;
  const mean = new Float64Array(d);
  for (let i = 0; i < m.rows; i++) for (let k = 0; k < d; k++) mean[k] += m.data[i * d + k] / m.rows;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < m.rows; i++) {
    const v = row(m, i);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] += ((v[a] - mean[a]) * (v[b] - mean[b])) / m.rows;
  }
  const axes: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(d).map((_, k) => 1 + ((k * 7919) % 13) / 13);
    let lambda = 0;
    for (let it = 0; it < 300; it++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) w[a] += cov[a * d + b] * v[b];
      const n = Math.hypot(...w) || 1;
      lambda = n;
      v = w.map((x) => x / n);
    }
    axes.push(v);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] -= lambda * v[a] * v[b];
  }
  const project = (p: Matrix): Projection => {
    const x = new Float64Array(p.rows);
    const y = new Float64Array(p.rows);
    for (let i = 0; i < p.rows; i++) {
      const r = row(p, i);
      for (let k = 0; k < d; k++) {
        x[i] += (r[k] - mean[k]) * axes[0][k];
        y[i] += (r[k] - mean[k]) * axes[1][k];
      }
    }
    return { x, y };
  };
  return { points: project(m), extra: extra ? project(extra) : undefined };
}

/** UMAP to 2-D under a seed (nNeighbors 15, minDist 0.1). */
export function umap2(m: Matrix, seed = 0): Projection {
  const rng = new Rng(seed);
  const data = Array.from({ length: m.rows }, (_, i) => Array.from(row(m, i)));
  const u = new UMAP({ nComponents: 2, nNeighbors: Math.min(15, Math.max(2, m.rows - 1)), minDist: 0.1, random: () => rng.next() });
  const out = u.fit(data);
  return { x: Float64Array.from(out.map((p) => p[0])), y: Float64Array.from(out.map((p) => p[1])) };
}
