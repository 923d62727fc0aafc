// Maximum softmax probability baseline (Hendrycks & Gimpel, ICLR 2017, arXiv 1610.02136):
// score = −max_c softmax(z)_c, so a less confident tile is more unknown.
import { rowLogSumExp, rowMax } from './logit-scores.js';
import type { UnknownScore } from './unknown-score.js';

export const mspScore: UnknownScore = {
  name: 'msp',
  description: 'negative maximum softmax probability',
  uses: 'logit',
  fit() {
    return ({ logits }) => {
      const mx = rowMax(logits);
      const lse = rowLogSumExp(logits);
      return mx.map((m, i) => -Math.exp(m - lse[i])); // max softmax = exp(max z − logsumexp z)
    };
  },
};
