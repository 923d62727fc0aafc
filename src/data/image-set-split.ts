// Subjects of an image set split into train / validation / test: every item of one group (a
// subject, i.e. one volume or image file) lands on the same side, and the split is stratified by
// class *name*, so two runs that read the same folder with their classes in another order or
// numbering (a classifier's alphabetical classes, a CycleGAN's chosen A and B) hold the same
// subjects apart for the same seed and fractions.
import { Rng } from './rng.js';
import { splitItems } from './splits.js';
import { OptionError } from '../util/errors.js';
import type { ImageSet } from './image-set.js';

export interface SubjectSplit {
  train: string[];
  val: string[];
  test: string[];
}

/** Groups of `set` split by `fractions` (train, val, test) under `seed`, stratified by class name. */
export function splitSubjects(set: ImageSet, fractions: readonly [number, number, number], seed: number): SubjectSplit {
  const classOf = new Map<string, string>();
  set.groups.forEach((g, i) => {
    if (!classOf.has(g)) classOf.set(g, set.classes[set.labels[i]]);
  });
  // groups in a canonical order (by class name, then group name), not in reading order
  const groups = [...classOf.keys()].sort((x, y) => {
    const cx = classOf.get(x)!;
    const cy = classOf.get(y)!;
    return cx < cy ? -1 : cx > cy ? 1 : x < y ? -1 : x > y ? 1 : 0;
  });
  const s = splitItems(groups, { fractions, seed, stratifyBy: (g) => classOf.get(g)! });
  return { train: s.train, val: s.val, test: s.test };
}

/** Options of `foldSubjects`. */
export interface FoldOptions {
  /** Number of folds K (>= 2): every group is a test group of exactly one fold. */
  folds: number;
  /** The fold whose groups are the test set, 0..K-1. */
  fold: number;
  /** Share of each class's remaining (non-test) groups held apart for validation, rounded, at least one when positive and two or more remain. */
  valFraction: number;
  seed: number;
}

/**
 * Subject-level, class-stratified K-fold cross-validation: each class's groups, in canonical order
 * (by name) and shuffled under `seed`, are dealt round-robin into K folds, so fold sizes per class
 * differ by at most one and the K test sets partition the groups. The test set is fold `fold`;
 * of the other groups of each class, the first `valFraction` (in the same shuffled order) are
 * validation, the rest training. The same seed and K give the same folds for every `fold`.
 */
export function foldSubjects(set: ImageSet, o: FoldOptions): SubjectSplit {
  if (!Number.isInteger(o.folds) || o.folds < 2) throw new OptionError('--cv-folds', `must be an integer >= 2, got ${o.folds}`);
  if (!Number.isInteger(o.fold) || o.fold < 0 || o.fold >= o.folds) throw new OptionError('--cv-fold', `must be an integer in [0, ${o.folds - 1}], got ${o.fold}`);
  if (!(o.valFraction >= 0 && o.valFraction < 1)) throw new OptionError('--val-fraction', `must be in [0, 1) for cross-validation, got ${o.valFraction}`);
  const byClass = new Map<string, Set<string>>();
  set.groups.forEach((g, i) => {
    const c = set.classes[set.labels[i]];
    const s = byClass.get(c) ?? new Set<string>();
    s.add(g);
    byClass.set(c, s);
  });
  const rng = new Rng(o.seed);
  const out: SubjectSplit = { train: [], val: [], test: [] };
  for (const c of [...byClass.keys()].sort()) {
    const gs = [...byClass.get(c)!].sort();
    if (gs.length < o.folds) throw new OptionError('--cv-folds', `class '${c}' has ${gs.length} group(s) (subjects / files), fewer than the ${o.folds} folds`);
    rng.shuffle(gs);
    const rest: string[] = [];
    gs.forEach((g, j) => (j % o.folds === o.fold ? out.test : rest).push(g));
    let nVal = Math.round(o.valFraction * rest.length);
    if (o.valFraction > 0 && nVal === 0 && rest.length >= 2) nVal = 1;
    if (nVal >= rest.length) nVal = rest.length - 1;
    out.val.push(...rest.slice(0, nVal));
    out.train.push(...rest.slice(nVal));
  }
  return out;
}
