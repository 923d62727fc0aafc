// Order of items in an epoch: sequential, shuffled under a seed, or class-balanced (weighted, with replacement).
import { OptionError } from '../util/errors.js';
import { Rng } from './rng.js';

/** Options of `epochOrder`. */
export interface SamplerOptions {
  /**
   * 'sequential': 0..n-1; 'shuffle': a seeded permutation per epoch (each item once);
   * 'balanced': draws with replacement, weighted so every class is equally likely.
   * @default 'shuffle'
   */
  order?: 'sequential' | 'shuffle' | 'balanced';
  /** Seed; epoch e uses the stream (seed, e). @default 0 */
  seed?: number;
  /** Class of each item; needed for 'balanced'. @default none */
  labels?: readonly number[];
  /** Draws per epoch for 'balanced'. @default the number of items */
  samplesPerEpoch?: number;
}

/** Per-item weights 1 / (items in its class), so each class carries the same total weight. */
export function balancedWeights(labels: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return labels.map((l) => 1 / counts.get(l)!);
}

/** `count` indices drawn with replacement with probability proportional to `weights`. */
export function weightedDraws(weights: readonly number[], count: number, rng: Rng): number[] {
  const cum = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => {
    if (!(w >= 0)) throw new OptionError('weights', `must be non-negative, got ${w} at ${i}`);
    cum[i] = s += w;
  });
  if (!(s > 0)) throw new OptionError('weights', 'sum to zero');
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const u = rng.next() * s;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out.push(lo);
  }
  return out;
}

/** Item indices for epoch `epoch` of a dataset of n items. */
export function epochOrder(n: number, epoch: number, options: SamplerOptions = {}): number[] {
  const order = options.order ?? 'shuffle';
  const rng = Rng.derive(options.seed ?? 0, epoch);
  switch (order) {
    case 'sequential':
      return Array.from({ length: n }, (_, i) => i);
    case 'shuffle':
      return rng.permutation(n);
    case 'balanced': {
      const labels = options.labels;
      if (!labels || labels.length !== n) throw new OptionError('labels', `balanced sampling needs one label per item (${n}), got ${labels?.length ?? 'none'}`);
      return weightedDraws(balancedWeights(labels), options.samplesPerEpoch ?? n, rng);
    }
    default:
      throw new OptionError('order', `must be 'sequential', 'shuffle' or 'balanced', got ${String(order)}`);
  }
}
