// Correlation of paired samples: Pearson's r and Spearman's ρ (Pearson's r of the ranks, ties
// given their average rank, as scipy.stats.spearmanr does).
import { OptionError } from '../util/errors.js';

function check(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) throw new OptionError('y', `has ${y.length} values, x has ${x.length}`);
}

/** Pearson's correlation coefficient; NaN for fewer than 2 pairs or a constant sample. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  check(x, y);
  const n = x.length;
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ranks 1..n; tied values share the mean of their ranks. */
export function averageRanks(v: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const ranks = new Float64Array(v.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = r;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's rank correlation; NaN for fewer than 2 pairs or a constant sample. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  check(x, y);
  return pearson(averageRanks(x), averageRanks(y));
}
