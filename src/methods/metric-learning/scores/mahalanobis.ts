// Mahalanobis score: smallest squared Mahalanobis distance to a class mean under one covariance
// shared by all classes (Lee et al., NeurIPS 2018, arXiv 1807.03888, eq. 2), on normalised
// embeddings for metric heads. A ridge of 1e-6·mean variance keeps the covariance invertible.
import { classCentroids } from '../centroids.js';
import { invert, normalizeRows, row } from '../matrix.js';
import type { UnknownScore } from './unknown-score.js';

export const mahalanobisScore: UnknownScore = {
  name: 'mahalanobis',
  description: 'squared Mahalanobis distance to the nearest class mean (shared covariance)',
  uses: 'embedding',
  fit(data) {
    const e = data.normalize ? normalizeRows(data.embeddings) : data.embeddings;
    const { centroids } = classCentroids(e, data.labels, data.numClasses, false);
    const d = e.cols;
    const cov = new Float64Array(d * d);
    const diff = new Float64Array(d);
    for (let i = 0; i < e.rows; i++) {
      const v = row(e, i);
      const mu = row(centroids, data.labels[i]);
      for (let a = 0; a < d; a++) diff[a] = v[a] - mu[a];
      for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[a * d + b] += diff[a] * diff[b];
    }
    let trace = 0;
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) cov[b * d + a] = cov[a * d + b] /= e.rows;
      trace += cov[a * d + a];
    }
    const ridge = Math.max(1e-6 * (trace / d), 1e-12);
    for (let a = 0; a < d; a++) cov[a * d + a] += ridge;
    const prec = invert(cov, d);
    return (input) => {
      const x = data.normalize ? normalizeRows(input.embeddings) : input.embeddings;
      const out = new Float64Array(x.rows);
      for (let i = 0; i < x.rows; i++) {
        const v = row(x, i);
        let best = Infinity;
        for (let c = 0; c < centroids.rows; c++) {
          const mu = row(centroids, c);
          for (let a = 0; a < d; a++) diff[a] = v[a] - mu[a];
          let q = 0;
          for (let a = 0; a < d; a++) {
            let s = 0;
            for (let b = 0; b < d; b++) s += prec[a * d + b] * diff[b];
            q += diff[a] * s;
          }
          if (q < best) best = q;
        }
        out[i] = best;
      }
      return out;
    };
  },
};
