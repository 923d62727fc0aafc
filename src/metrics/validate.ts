// Input checks shared by the metrics: one clear OptionError per problem, never a NaN result.
import { OptionError } from '../util/errors.js';

/** Throws unless `values` is non-empty and every entry is a finite number. */
export function assertFiniteScores(name: string, values: ArrayLike<number>): void {
  if (values.length === 0) throw new OptionError(name, 'is empty');
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new OptionError(name, `entry ${i} is ${values[i]}, not a finite number`);
  }
}

/** Throws unless the two arrays have the same length. */
export function assertSameLength(a: string, av: ArrayLike<unknown>, b: string, bv: ArrayLike<unknown>): void {
  if (av.length !== bv.length) throw new OptionError(b, `has length ${bv.length} but ${a} has length ${av.length}`);
}

/** Throws unless `p` lies in the closed interval [lo, hi]. */
export function assertInRange(name: string, p: number, lo: number, hi: number): void {
  if (!(p >= lo && p <= hi)) throw new OptionError(name, `must lie in [${lo}, ${hi}], got ${p}`);
}
