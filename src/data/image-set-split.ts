// Subjects of an image set split into train / validation / test: every item of one group (a
// subject, i.e. one volume or image file) lands on the same side, and the split is stratified by
// class *name*, so two runs that read the same folder with their classes in another order or
// numbering (a classifier's alphabetical classes, a CycleGAN's chosen A and B) hold the same
// subjects apart for the same seed and fractions.
import { splitItems } from './splits.js';
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
