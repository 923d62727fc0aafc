// Distance to the nearest known-class centroid (Kimura et al. 2024, doi 10.1007/s10967-023-09300-w):
// Euclidean distance from the (normalised, for metric heads) embedding to the closest class mean.
import { classCentroids, nearestCentroid } from '../centroids.js';
import type { UnknownScore } from './unknown-score.js';

export const centroidDistanceScore: UnknownScore = {
  name: 'centroid-distance',
  description: 'Euclidean distance to the nearest known-class centroid',
  uses: 'embedding',
  fit(data) {
    const cc = classCentroids(data.embeddings, data.labels, data.numClasses, data.normalize);
    return (input) => nearestCentroid(cc, input.embeddings).distances;
  },
};
