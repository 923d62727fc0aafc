// Train/val/test split of segmentation pairs: contiguous blocks in file-number order or shuffled,
// optionally stratified by whether a mask holds any foreground, so that a structure present in
// only part of a stack (e.g. the first slices) is present in every part of the split.
import { fileNumber, splitItems, type PairItem } from '../../data/index.js';

export const SEG_STRATIFY = ['none', 'foreground'] as const;
export type SegStratify = (typeof SEG_STRATIFY)[number];

/** Options of `splitPairs`. */
export interface SegSplitOptions {
  /** Fractions of the pairs for train, val and test. @default [0.6, 0.2, 0.2] */
  fractions?: [number, number, number];
  /** true: consecutive blocks (train | val | test) in file-number order (name order when a file has no number); false: shuffled under `seed`. @default true */
  contiguous?: boolean;
  /** @default 0 */
  seed?: number;
  /**
   * 'foreground': the pairs whose mask holds at least one non-background pixel and those whose
   * mask holds none are split by the fractions each on its own (contiguous within each group when
   * `contiguous`), so every part gets its share of the images that show the structure. Needs
   * `classCounts`. @default 'none'
   */
  stratify?: SegStratify;
  /** Pixel count of each class (index 0 = background) of each pair's mask, as `scanMasks` returns. */
  classCounts?: readonly (readonly number[])[];
}

/** Splits the pairs (each part in input order). */
export function splitPairs(pairs: readonly PairItem[], o: SegSplitOptions = {}): { train: PairItem[]; val: PairItem[]; test: PairItem[] } {
  const numbers = pairs.map((p) => fileNumber(p.image));
  const byNumber = numbers.every((n) => n !== undefined);
  const index = new Map(pairs.map((p, i) => [p, i]));
  const at = (p: PairItem): number => index.get(p)!;
  const orderBy = (o.contiguous ?? true) ? (p: PairItem): number => (byNumber ? numbers[at(p)]! : at(p)) : undefined;
  let stratifyBy: ((p: PairItem) => number) | undefined;
  if ((o.stratify ?? 'none') === 'foreground') {
    const counts = o.classCounts;
    if (!counts || counts.length !== pairs.length) throw new Error('splitPairs: stratify "foreground" needs the class counts of every pair');
    stratifyBy = (p) => (counts[at(p)].some((n, k) => k > 0 && n > 0) ? 1 : 0);
  }
  const s = splitItems(pairs, { fractions: o.fractions ?? [0.6, 0.2, 0.2], seed: o.seed ?? 0, orderBy, stratifyBy });
  return { train: s.train, val: s.val, test: s.test };
}

/** How many pairs of `part` hold foreground (any class above 0). */
export function foregroundImages(part: readonly PairItem[], pairs: readonly PairItem[], classCounts: readonly (readonly number[])[]): number {
  return part.filter((p) => classCounts[pairs.indexOf(p)].some((n, k) => k > 0 && n > 0)).length;
}
