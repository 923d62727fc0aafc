// MaxLogit baseline (Hendrycks et al., ICML 2022, arXiv 1911.11132): score = −max_c z_c.
import { rowMax } from './logit-scores.js';
import type { UnknownScore } from './unknown-score.js';

export const maxLogitScore: UnknownScore = {
  name: 'max-logit',
  description: 'negative maximum logit',
  uses: 'logit',
  fit() {
    return ({ logits }) => rowMax(logits).map((m) => -m);
  },
};
