export type { UnknownScore, ScoreFitData, ScoreInput } from './unknown-score.js';
export { centroidDistanceScore } from './centroid-distance.js';
export { knnDistanceScore, type KnnOptions } from './knn-distance.js';
export { mahalanobisScore } from './mahalanobis.js';
export { mspScore } from './msp.js';
export { maxLogitScore } from './max-logit.js';
export { energyScore } from './energy.js';
export { vimScore, symmetricEigen, type VimOptions } from './vim.js';
export { UNKNOWN_SCORES, SCORE_NAMES, unknownScore } from './registry.js';
