// Virtual-logit matching, ViM (Wang et al., CVPR 2022, arXiv 2203.10807, eqs. 4-8): the norm of an
// embedding's residual off the principal subspace of the training embeddings, scaled by α (mean
// max logit / mean residual over training tiles) into a virtual logit v; the score is the log
// softmax probability of that virtual class, v − log(e^v + Σ_c e^{z_c}) (monotone in the paper's
// probability). The origin is the training-embedding mean: the paper's −W⁺b needs a linear head
// with bias, which the cosine heads do not have. Normalised embeddings for metric heads.
import { normalizeRows, row, type Matrix } from '../matrix.js';
import type { UnknownScore } from './unknown-score.js';

export interface VimOptions {
  /** Dimension of the principal subspace. @default half the embedding size (at least 1) */
  dim?: number;
}

/** Eigenvectors of a symmetric n×n matrix (row-major), columns of the result, by cyclic Jacobi rotations; eigenvalues descending. */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        // rotation angle that zeroes m[p][q]: tan 2θ = 2 a_pq / (a_qq − a_pp)
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  const values = Float64Array.from(order, (i) => m[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

export function vimScore(options: VimOptions = {}): UnknownScore {
  if (options.dim !== undefined && (!Number.isInteger(options.dim) || options.dim < 1)) throw new RangeError(`vim: dim must be a positive integer, got ${options.dim}`);
  return {
    name: 'vim',
    description: 'virtual logit from the residual off the principal subspace (ViM)',
    uses: 'embedding',
    fit(data) {
      if (!data.logits) throw new RangeError("vim: needs the training tiles' logits (to scale the residual to the logits)");
      const e = data.normalize ? normalizeRows(data.embeddings) : data.embeddings;
      const d = e.cols;
      const k = Math.min(options.dim ?? Math.max(1, Math.floor(d / 2)), d);
      const mean = new Float64Array(d);
      for (let i = 0; i < e.rows; i++) for (let a = 0; a < d; a++) mean[a] += e.data[i * d + a] / e.rows;
      const cov = new Float64Array(d * d);
      for (let i = 0; i < e.rows; i++) {
        const v = row(e, i);
        for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[a * d + b] += (v[a] - mean[a]) * (v[b] - mean[b]);
      }
      for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[b * d + a] = cov[a * d + b];
      const { vectors } = symmetricEigen(cov, d);
      // residual norm: |x − o|² minus its squared projections on the top-k eigenvectors
      const residual = (m: Matrix): Float64Array => {
        const out = new Float64Array(m.rows);
        const c = new Float64Array(d);
        for (let i = 0; i < m.rows; i++) {
          let total = 0;
          for (let a = 0; a < d; a++) total += (c[a] = m.data[i * d + a] - mean[a]) ** 2;
          let kept = 0;
          for (let j = 0; j < k; j++) {
            let p = 0;
            for (let a = 0; a < d; a++) p += c[a] * vectors[a * d + j];
            kept += p * p;
          }
          out[i] = Math.sqrt(Math.max(total - kept, 0));
        }
        return out;
      };
      const rTrain = residual(e);
      let maxLogits = 0;
      const z = data.logits;
      for (let i = 0; i < z.rows; i++) maxLogits += Math.max(...row(z, i));
      const sumR = rTrain.reduce((s, x) => s + x, 0);
      const alpha = sumR > 0 ? maxLogits / z.rows / (sumR / rTrain.length) : 0;
      return (input) => {
        const r = residual(data.normalize ? normalizeRows(input.embeddings) : input.embeddings);
        const out = new Float64Array(r.length);
        for (let i = 0; i < r.length; i++) {
          const vl = alpha * r[i];
          const zi = row(input.logits, i);
          let mx = vl;
          for (const x of zi) mx = Math.max(mx, x);
          let s = Math.exp(vl - mx);
          for (const x of zi) s += Math.exp(x - mx);
          out[i] = vl - (mx + Math.log(s));
        }
        return out;
      };
    },
  };
}
