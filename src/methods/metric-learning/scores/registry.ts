// Every unknown score, registered once: CLI choices, report tables and contract tests iterate this.
import type { UnknownScore } from './unknown-score.js';
import { centroidDistanceScore } from './centroid-distance.js';
import { knnDistanceScore } from './knn-distance.js';
import { mahalanobisScore } from './mahalanobis.js';
import { mspScore } from './msp.js';
import { maxLogitScore } from './max-logit.js';
import { energyScore } from './energy.js';
import { vimScore } from './vim.js';

export const UNKNOWN_SCORES: readonly UnknownScore[] = [centroidDistanceScore, knnDistanceScore(), mahalanobisScore, vimScore(), mspScore, maxLogitScore, energyScore];

export const SCORE_NAMES: readonly string[] = UNKNOWN_SCORES.map((s) => s.name);

export function unknownScore(name: string): UnknownScore {
  const s = UNKNOWN_SCORES.find((x) => x.name === name);
  if (!s) throw new RangeError(`unknown score '${name}' (one of ${SCORE_NAMES.join(', ')})`);
  return s;
}
