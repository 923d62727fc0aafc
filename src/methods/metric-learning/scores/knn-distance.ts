// k-NN distance: Euclidean distance to the k-th nearest known training embedding, normalised
// embeddings for metric heads (Sun et al., ICML 2022, arXiv 2204.06507, eq. 3).
import { normalizeRows, row, squaredDistance } from '../matrix.js';
import type { UnknownScore } from './unknown-score.js';

export interface KnnOptions {
  /** Which neighbour's distance. @default 5 */
  k?: number;
}

export function knnDistanceScore(options: KnnOptions = {}): UnknownScore {
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`knn-distance: k must be a positive integer, got ${k}`);
  return {
    name: 'knn-distance',
    description: `distance to the ${k}-th nearest known training embedding`,
    uses: 'embedding',
    fit(data) {
      const ref = data.normalize ? normalizeRows(data.embeddings) : data.embeddings;
      const kk = Math.min(k, ref.rows);
      return (input) => {
        const e = data.normalize ? normalizeRows(input.embeddings) : input.embeddings;
        const out = new Float64Array(e.rows);
        const best = new Float64Array(kk); // the kk smallest squared distances, ascending
        for (let i = 0; i < e.rows; i++) {
          best.fill(Infinity);
          const v = row(e, i);
          for (let j = 0; j < ref.rows; j++) {
            const d = squaredDistance(v, row(ref, j));
            if (d >= best[kk - 1]) continue;
            let p = kk - 1;
            while (p > 0 && best[p - 1] > d) {
              best[p] = best[p - 1];
              p--;
            }
            best[p] = d;
          }
          out[i] = Math.sqrt(best[kk - 1]);
        }
        return out;
      };
    },
  };
}
