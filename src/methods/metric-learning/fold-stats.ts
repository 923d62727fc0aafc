// Statistics over the folds of a blocked cross-validation (test block × held-out class × seed):
// the mean of a per-fold figure with a seeded percentile-bootstrap interval over folds (Efron &
// Tibshirani 1993, ch. 13), and the paired version, the interval of the per-fold differences
// a_f − b_f of two methods judged on the same folds. Folds share training images, so the interval
// describes the spread over these folds, not over independent datasets.
import { bootstrapInterval } from '../../metrics/bootstrap.js';

/** Options of the fold intervals. */
export interface FoldIntervalOptions {
  /** Bootstrap resamples of the folds. @default 2000 */
  resamples?: number;
  /** Central probability covered. @default 0.95 */
  level?: number;
  /** Seed of the resampling stream. @default 0 */
  seed?: number;
}

/** A per-fold figure's mean over folds and its bootstrap interval. */
export interface FoldInterval {
  mean: number;
  low: number;
  high: number;
  /** Folds with a finite value (the others, e.g. an AUROC without positives, are left out). */
  n: number;
}

/** A paired comparison: the interval of a_f − b_f, and how often a beat b. */
export interface PairedDifference extends FoldInterval {
  /** Folds where a_f > b_f. */
  wins: number;
  /** Folds where a_f < b_f. */
  losses: number;
}

/** How the intervals are computed, in words (stored with the results). */
export function intervalMethod(o: FoldIntervalOptions = {}): string {
  return `percentile bootstrap over folds (${o.resamples ?? 2000} resamples, seed ${o.seed ?? 0}), ${Math.round((o.level ?? 0.95) * 100)} % interval of the mean`;
}

/** Mean of the finite values and its bootstrap interval; NaN everywhere when there are none. */
export function foldInterval(values: readonly number[], o: FoldIntervalOptions = {}): FoldInterval {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return { mean: NaN, low: NaN, high: NaN, n: 0 };
  const r = bootstrapInterval(
    v.length,
    (idx) => {
      let s = 0;
      for (const i of idx) s += v[i];
      return s / idx.length;
    },
    { resamples: o.resamples ?? 2000, level: o.level ?? 0.95, seed: o.seed ?? 0 },
  );
  return { mean: r.estimate, low: r.low, high: r.high, n: v.length };
}

/** Paired difference a − b over folds (a[f] and b[f] judged on the same fold f). */
export function pairedDifference(a: readonly number[], b: readonly number[], o: FoldIntervalOptions = {}): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`paired difference: ${a.length} folds against ${b.length}`);
  const d = a.map((x, i) => x - b[i]);
  return { ...foldInterval(d, o), wins: d.filter((x) => x > 0).length, losses: d.filter((x) => x < 0).length };
}
