// Energy score (Liu et al., NeurIPS 2020, arXiv 2010.03759, eq. 1 with T = 1):
// E(x) = −T·log Σ_c exp(z_c / T); higher energy = more unknown.
import { rowLogSumExp } from './logit-scores.js';
import type { UnknownScore } from './unknown-score.js';

export const energyScore: UnknownScore = {
  name: 'energy',
  description: 'free energy −log Σ exp(logits)',
  uses: 'logit',
  fit() {
    return ({ logits }) => rowLogSumExp(logits).map((v) => -v);
  },
};
