// Seeded train/val/test splits by fraction, stratified by class, with whole groups kept together.
import { OptionError } from '../util/errors.js';
import { Rng } from './rng.js';

/** Options of `splitItems`. */
export interface SplitOptions<T> {
  /** Fractions of items for train, val and test (normalised to sum 1). @default [0.7, 0.15, 0.15] */
  fractions?: readonly [number, number, number];
  /** Seed of the shuffle; the same seed gives the same split. @default 0 */
  seed?: number;
  /** Class of an item: each class is split by the fractions on its own. @default no stratification */
  stratifyBy?: (item: T) => string | number;
  /**
   * Group of an item (subject id, source image, file-number block): a group's items all land in
   * one split. A group's class is its most common item class. @default each item is its own group
   */
  groupBy?: (item: T) => string | number;
  /**
   * Position of an item in an acquisition sequence (e.g. its file number). When given, each
   * stratum's groups are laid end to end in this order instead of shuffled, so train, val and test
   * are contiguous blocks (train first): images that overlap their neighbours in the sequence, as
   * consecutive SEM fields do, then meet across at most two block boundaries. The seed is unused.
   * A group's position is its smallest member's. @default shuffled groups
   */
  orderBy?: (item: T) => number;
  /**
   * With `orderBy`: which block of the sequence is the test set, counting test-sized blocks from
   * the start (0 = the first). Val is the block just before it (wrapping round to the end), train
   * the rest. Other blocks give other held-out parts of one sequence (blocked cross-validation).
   * @default the last block (train | val | test)
   */
  testBlock?: number;
  /**
   * With `orderBy`: training items at most this many positions (in sequence order, within a
   * stratum) from a test item are left out of every split, so that overlapping neighbours of test
   * items are not trained on. @default 0
   */
  guard?: number;
}

/** A split: items in their input order, and their indices into the input (items left out by a guard are in none). */
export interface Split<T> {
  train: T[];
  val: T[];
  test: T[];
  indices: { train: number[]; val: number[]; test: number[] };
}

const NAMES = ['train', 'val', 'test'] as const;

/**
 * Split items into train/val/test. Within each stratum the groups are shuffled under the seed and
 * laid end to end; a group goes to the split its middle item falls in (so splits hold about
 * `fraction` of the items, and a group never straddles two splits).
 */
export function splitItems<T>(items: readonly T[], options: SplitOptions<T> = {}): Split<T> {
  const fr = options.fractions ?? [0.7, 0.15, 0.15];
  if (fr.length !== 3 || fr.some((f) => !(f >= 0)) || fr[0] + fr[1] + fr[2] <= 0) {
    throw new OptionError('fractions', `must be three non-negative numbers with a positive sum, got ${fr.join(', ')}`);
  }
  const total = fr[0] + fr[1] + fr[2];
  const bounds = [fr[0] / total, (fr[0] + fr[1]) / total];
  // Groups in order of first appearance, each with its members.
  const groups = new Map<string | number, number[]>();
  items.forEach((it, i) => {
    const k = options.groupBy ? options.groupBy(it) : i;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  // Strata of groups, keyed by the group's majority class (ties: the class seen first).
  const strata = new Map<string | number, number[][]>();
  for (const members of groups.values()) {
    let cls: string | number = '';
    if (options.stratifyBy) {
      const counts = new Map<string | number, number>();
      for (const i of members) {
        const c = options.stratifyBy(items[i]);
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      let best = -1;
      for (const [c, n] of counts) if (n > best) [cls, best] = [c, n];
    }
    const s = strata.get(cls);
    if (s) s.push(members);
    else strata.set(cls, [members]);
  }
  const assign = new Int8Array(items.length);
  // Ordered mode: shift positions so that the chosen test block lands at the end of [0, 1).
  const testFraction = fr[2] / total;
  let offset = 0;
  if (options.testBlock !== undefined) {
    const blocks = testFraction > 0 ? Math.round(1 / testFraction) : 1;
    if (!options.orderBy) throw new OptionError('testBlock', 'needs orderBy (a sequence to cut into blocks)');
    if (!Number.isInteger(options.testBlock) || options.testBlock < 0 || options.testBlock >= blocks) {
      throw new OptionError('testBlock', `must be an integer in [0, ${blocks - 1}] (${blocks} test-sized blocks), got ${options.testBlock}`);
    }
    offset = (((1 - testFraction - options.testBlock * testFraction) % 1) + 1) % 1;
  }
  const guard = options.guard ?? 0;
  if (!Number.isInteger(guard) || guard < 0) throw new OptionError('guard', `must be a non-negative integer, got ${guard}`);
  const dropped = new Uint8Array(items.length);
  const rng = new Rng(options.seed ?? 0);
  const keys = [...strata.keys()].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  for (const key of keys) {
    const gs = strata.get(key)!;
    if (options.orderBy) {
      const pos = (g: number[]): number => Math.min(...g.map((i) => options.orderBy!(items[i])));
      gs.sort((a, b) => pos(a) - pos(b) || a[0] - b[0]);
    } else {
      rng.shuffle(gs);
    }
    const n = gs.reduce((s, g) => s + g.length, 0);
    let seen = 0;
    for (const g of gs) {
      const mid = ((seen + g.length / 2) / n + offset) % 1;
      const split = mid < bounds[0] ? 0 : mid < bounds[1] ? 1 : 2;
      for (const i of g) assign[i] = split;
      seen += g.length;
    }
    if (options.orderBy && guard > 0) {
      const seq = gs.flat();
      seq.forEach((i, k) => {
        if (assign[i] !== 0) return;
        for (let d = -guard; d <= guard; d++) {
          const j = seq[k + d];
          if (j !== undefined && assign[j] === 2) dropped[i] = 1;
        }
      });
    }
  }
  const out: Split<T> = { train: [], val: [], test: [], indices: { train: [], val: [], test: [] } };
  items.forEach((it, i) => {
    if (dropped[i]) return;
    const name = NAMES[assign[i]];
    out[name].push(it);
    out.indices[name].push(i);
  });
  return out;
}
