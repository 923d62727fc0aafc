// Seeded bootstrap percentile intervals (Efron & Tibshirani 1993, ch. 13): resample the samples
// with replacement, recompute the statistic, take the central quantiles; and ROC AUC with such an
// interval, resampling positives and negatives separately so every resample has both classes.
import { Rng } from '../data/rng.js';
import { quantile, sortedFinite } from '../report/stats.js';
import { OptionError } from '../util/errors.js';
import { auroc } from './auroc.js';

/** Options of the bootstrap helpers. */
export interface BootstrapOptions {
  /** Resamples drawn. @default 1000 */
  resamples?: number;
  /** Central probability covered by the interval. @default 0.95 */
  level?: number;
  /** Seed of the resampling stream. @default 0 */
  seed?: number;
  /** Group of each sample: resampling happens within groups, keeping their sizes (a stratified bootstrap). @default one group */
  strata?: ArrayLike<number | boolean>;
  /** Resamples drawn beforehand with `bootstrapIndices` (so several statistics share them); replaces resamples, seed and strata. @default drawn here */
  draws?: readonly Uint32Array[];
}

/** A statistic with its bootstrap percentile interval. */
export interface BootstrapInterval {
  /** The statistic on the samples as given. */
  estimate: number;
  low: number;
  high: number;
  level: number;
  /** The statistic on each resample. */
  values: Float64Array;
}

/** `resamples` arrays of n sample indices drawn with replacement (within each stratum when given). */
export function bootstrapIndices(n: number, options: BootstrapOptions = {}): Uint32Array[] {
  const B = options.resamples ?? 1000;
  if (!Number.isInteger(B) || B < 1) throw new OptionError('resamples', `must be a positive integer, got ${B}`);
  if (!Number.isInteger(n) || n < 1) throw new OptionError('samples', `need at least one sample, got ${n}`);
  const groups = new Map<number | boolean, number[]>();
  if (options.strata) {
    if (options.strata.length !== n) throw new OptionError('strata', `has ${options.strata.length} entries for ${n} samples`);
    for (let i = 0; i < n; i++) {
      const g = options.strata[i];
      const list = groups.get(g);
      if (list) list.push(i);
      else groups.set(g, [i]);
    }
  } else groups.set(0, Array.from({ length: n }, (_, i) => i));
  const rng = new Rng(options.seed ?? 0);
  const out: Uint32Array[] = [];
  for (let b = 0; b < B; b++) {
    const idx = new Uint32Array(n);
    let k = 0;
    for (const members of groups.values()) for (let j = 0; j < members.length; j++) idx[k++] = members[rng.int(members.length)];
    out.push(idx);
  }
  return out;
}

/** Central `level` interval of `values` by linear-interpolated quantiles (NumPy's default rule). */
export function percentileInterval(values: ArrayLike<number>, level = 0.95): { low: number; high: number } {
  if (!(level > 0 && level < 1)) throw new OptionError('level', `must be in (0, 1), got ${level}`);
  const s = sortedFinite(values);
  return { low: quantile(s, (1 - level) / 2), high: quantile(s, (1 + level) / 2) };
}

/**
 * `statistic(indices)` on the samples 0..n-1 and on each resample, with the percentile interval.
 * The statistic reads its data through the indices it is given.
 */
export function bootstrapInterval(n: number, statistic: (indices: Uint32Array) => number, options: BootstrapOptions = {}): BootstrapInterval {
  const level = options.level ?? 0.95;
  const draws = options.draws ?? bootstrapIndices(n, options);
  const values = Float64Array.from(draws, (d) => {
    if (d.length !== n) throw new OptionError('draws', `resamples must hold ${n} indices, got ${d.length}`);
    return statistic(d);
  });
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return { estimate: statistic(all), ...percentileInterval(values, level), level, values };
}

/**
 * ROC AUC of `scores` (higher = positive) for `labels` (truthy = positive) with a bootstrap
 * interval stratified by label: each resample keeps the numbers of positives and negatives.
 */
export function aurocInterval(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>, options: Omit<BootstrapOptions, 'strata'> = {}): BootstrapInterval {
  const n = scores.length;
  if (labels.length !== n) throw new OptionError('labels', `has ${labels.length} entries for ${n} scores`);
  const positive = Array.from(labels, (l) => Boolean(l));
  const s = new Float64Array(n);
  const y = new Uint8Array(n);
  return bootstrapInterval(
    n,
    (idx) => {
      for (let i = 0; i < n; i++) {
        s[i] = scores[idx[i]];
        y[i] = positive[idx[i]] ? 1 : 0;
      }
      return auroc(s, y);
    },
    { ...options, strata: positive },
  );
}
