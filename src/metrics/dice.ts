// Dice coefficient (Dice 1945; Sørensen 1948) of binary masks, 2|P ∩ T| / (|P| + |T|), and its
// mean over the classes of a label map. Convention: when prediction and truth are both empty the
// Dice is 1 (nothing to find and nothing found); when exactly one is empty it is 0.
import { OptionError } from '../util/errors.js';

/** Pixel counts behind a Dice coefficient. */
export interface DiceCounts {
  /** Pixels inside both masks. */
  intersection: number;
  /** Pixels inside the prediction. */
  predicted: number;
  /** Pixels inside the truth. */
  truth: number;
}

/** Dice from counts; 1 when both masks are empty. */
export function diceFromCounts(c: DiceCounts): number {
  const denominator = c.predicted + c.truth;
  return denominator === 0 ? 1 : (2 * c.intersection) / denominator;
}

function checkLengths(a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) throw new OptionError('mask', `prediction has ${a.length} pixels, truth ${b.length}`);
}

/** Counts of two masks where a non-zero value is inside. */
export function diceCounts(prediction: ArrayLike<number>, truth: ArrayLike<number>): DiceCounts {
  checkLengths(prediction, truth);
  let intersection = 0;
  let predicted = 0;
  let inTruth = 0;
  for (let i = 0; i < prediction.length; i++) {
    const p = prediction[i] !== 0;
    const t = truth[i] !== 0;
    if (p) predicted++;
    if (t) inTruth++;
    if (p && t) intersection++;
  }
  return { intersection, predicted, truth: inTruth };
}

/** Dice of two binary masks (non-zero = inside); both empty = 1. */
export function dice(prediction: ArrayLike<number>, truth: ArrayLike<number>): number {
  return diceFromCounts(diceCounts(prediction, truth));
}

/** Counts of class `cls` in two label maps (pixels equal to cls are inside). */
export function classDiceCounts(prediction: ArrayLike<number>, truth: ArrayLike<number>, cls: number): DiceCounts {
  checkLengths(prediction, truth);
  let intersection = 0;
  let predicted = 0;
  let inTruth = 0;
  for (let i = 0; i < prediction.length; i++) {
    const p = prediction[i] === cls;
    const t = truth[i] === cls;
    if (p) predicted++;
    if (t) inTruth++;
    if (p && t) intersection++;
  }
  return { intersection, predicted, truth: inTruth };
}

/** Mean over `classes` of each class's Dice in two label maps (each with the both-empty = 1 convention). */
export function meanClassDice(prediction: ArrayLike<number>, truth: ArrayLike<number>, classes: readonly number[]): number {
  if (classes.length === 0) throw new OptionError('classes', 'at least one class is needed');
  let s = 0;
  for (const c of classes) s += diceFromCounts(classDiceCounts(prediction, truth, c));
  return s / classes.length;
}
