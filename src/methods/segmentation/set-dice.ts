// Dice of a set of segmented images, three ways: the mean of the per-image Dice (an image where
// neither prediction nor truth holds the class scores 1), the Dice pooled over all pixels of all
// images (2·ΣI / (ΣP + ΣT)), and the mean per-image Dice over the images whose truth holds the class.
// Epoch selection (segment-train --select-by) and the test summaries use one of them by name.
import { classDiceCounts, diceCounts, diceFromCounts, type DiceCounts } from '../../metrics/dice.js';

export const SELECT_BY = ['pooled', 'present', 'mean'] as const;
export type SelectBy = (typeof SELECT_BY)[number];

/**
 * The default: pooled Dice. It counts false positives on slices without the structure (which
 * 'present' ignores) without granting an empty prediction on an empty slice a Dice of 1 (which
 * 'mean' does), and it is defined whenever any image holds the structure.
 */
export const DEFAULT_SELECT_BY: SelectBy = 'pooled';

/** What each choice means, for help texts and report notes. */
export const SELECT_BY_MEANING: Record<SelectBy, string> = {
  pooled: 'Dice pooled over all pixels of the images',
  present: 'mean Dice over the images that hold the structure',
  mean: 'mean per-image Dice (an empty prediction on an empty image scores 1)',
};

/** The fit loop's validation metric name of each choice ('dice' stays the per-image mean, as in earlier runs' histories). */
export const SELECT_METRIC: Record<SelectBy, string> = { pooled: 'pooledDice', present: 'presentDice', mean: 'dice' };

/** One image's Dice and the pixel counts behind it (one entry per foreground class 1..K−1). */
export interface ImageDice {
  image: string;
  /** Per-image Dice (mean over foreground classes for more than two classes). */
  dice: number;
  /** Classes 1..K−1 (more than two classes only). */
  classDice?: number[];
  counts: DiceCounts[];
}

export interface SetDice {
  /** The choice `dice` follows. */
  selectBy: SelectBy;
  /** The set's Dice by `selectBy`. */
  dice: number;
  /** Mean per-image Dice. */
  meanDice: number;
  /** Dice over all pixels of the set together (mean over foreground classes). */
  pooledDice: number;
  /** Mean Dice over the images holding the class (mean over the classes some image holds); null when no image holds any. */
  presentDice: number | null;
  /** Images whose truth holds some foreground class. */
  presentImages: number;
  /** Classes 1..K−1 (more than two classes only): each class's mean per-image, pooled and present Dice. */
  meanClassDice?: number[];
  pooledClassDice?: number[];
  presentClassDice?: (number | null)[];
  images: ImageDice[];
}

/** Pixel counts of each foreground class of a label map against a class-index mask. */
export function imageDiceCounts(labels: ArrayLike<number>, mask: ArrayLike<number>, classes: number): DiceCounts[] {
  if (classes === 2) return [diceCounts(labels, mask)];
  return Array.from({ length: classes - 1 }, (_, k) => classDiceCounts(labels, mask, k + 1));
}

/** An image's entry from its counts. */
export function imageDice(image: string, counts: DiceCounts[]): ImageDice {
  const per = counts.map(diceFromCounts);
  const dice = mean(per);
  return counts.length === 1 ? { image, dice, counts } : { image, dice, classDice: per, counts };
}

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** The three Dice of a non-empty set of images, `dice` following `selectBy`. */
export function setDice(images: ImageDice[], selectBy: SelectBy = DEFAULT_SELECT_BY): SetDice {
  if (images.length === 0) throw new Error('setDice: no images');
  const k = images[0].counts.length;
  const meanK: number[] = [];
  const pooledK: number[] = [];
  const presentK: (number | null)[] = [];
  for (let c = 0; c < k; c++) {
    const cs = images.map((im) => im.counts[c]);
    meanK.push(mean(cs.map(diceFromCounts)));
    pooledK.push(diceFromCounts(cs.reduce((a, b) => ({ intersection: a.intersection + b.intersection, predicted: a.predicted + b.predicted, truth: a.truth + b.truth }))));
    const held = cs.filter((x) => x.truth > 0);
    presentK.push(held.length ? mean(held.map(diceFromCounts)) : null);
  }
  const presentHeld = presentK.filter((v): v is number => v !== null);
  const r: SetDice = {
    selectBy,
    dice: 0,
    meanDice: mean(images.map((im) => im.dice)),
    pooledDice: mean(pooledK),
    presentDice: presentHeld.length ? mean(presentHeld) : null,
    presentImages: images.filter((im) => im.counts.some((x) => x.truth > 0)).length,
    ...(k > 1 ? { meanClassDice: meanK, pooledClassDice: pooledK, presentClassDice: presentK } : {}),
    images,
  };
  r.dice = selectedDice(r);
  return r;
}

/** The set's Dice by its choice; NaN for 'present' when no image holds the structure. */
export function selectedDice(s: Omit<SetDice, 'dice'>): number {
  if (s.selectBy === 'pooled') return s.pooledDice;
  if (s.selectBy === 'present') return s.presentDice ?? Number.NaN;
  return s.meanDice;
}

/** Each foreground class's Dice by the set's choice (more than two classes only). */
export function selectedClassDice(s: SetDice): (number | null)[] | undefined {
  return s.selectBy === 'pooled' ? s.pooledClassDice : s.selectBy === 'present' ? s.presentClassDice : s.meanClassDice;
}
