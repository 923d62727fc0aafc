// Known-class representative points: the centroid (mean) of each class's embeddings — normalised
// embeddings for metric heads, as in Kimura et al. 2024 (doi 10.1007/s10967-023-09300-w).
import { matrix, normalizeRows, row, squaredDistance, type Matrix } from './matrix.js';

export interface ClassCentroids {
  /** [C, D] one centroid per known class. */
  centroids: Matrix;
  /** Whether embeddings are L2-normalised before use (metric heads). */
  normalize: boolean;
  /** Tiles per class that went into each centroid. */
  counts: number[];
}

/** Mean embedding of each class 0 … numClasses − 1; throws when a class has no sample. */
export function classCentroids(embeddings: Matrix, labels: ArrayLike<number>, numClasses: number, normalize: boolean): ClassCentroids {
  if (labels.length !== embeddings.rows) throw new RangeError(`classCentroids: ${labels.length} labels for ${embeddings.rows} embeddings`);
  const e = normalize ? normalizeRows(embeddings) : embeddings;
  const c = matrix(numClasses, e.cols);
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < e.rows; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < numClasses)) throw new RangeError(`classCentroids: label ${y} outside 0…${numClasses - 1}`);
    const v = row(e, i);
    const t = row(c, y);
    for (let k = 0; k < v.length; k++) t[k] += v[k];
    counts[y]++;
  }
  counts.forEach((n, y) => {
    if (n === 0) throw new RangeError(`classCentroids: class ${y} has no embeddings`);
    const t = row(c, y);
    for (let k = 0; k < t.length; k++) t[k] /= n;
  });
  return { centroids: c, normalize, counts };
}

/** For each embedding: the nearest centroid's class and the Euclidean distance to it. */
export function nearestCentroid(cc: ClassCentroids, embeddings: Matrix): { labels: Int32Array; distances: Float64Array } {
  const e = cc.normalize ? normalizeRows(embeddings) : embeddings;
  const labels = new Int32Array(e.rows);
  const distances = new Float64Array(e.rows);
  for (let i = 0; i < e.rows; i++) {
    let best = Infinity;
    let arg = -1;
    for (let c = 0; c < cc.centroids.rows; c++) {
      const d = squaredDistance(row(e, i), row(cc.centroids, c));
      if (d < best) [best, arg] = [d, c];
    }
    labels[i] = arg;
    distances[i] = Math.sqrt(best);
  }
  return { labels, distances };
}
