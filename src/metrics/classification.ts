// Closed-set classification summaries: accuracy and the confusion matrix (rows = true class).
import { OptionError } from '../util/errors.js';
import { assertSameLength } from './validate.js';

function assertClassIndex(name: string, v: number, i: number, numClasses: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
    throw new OptionError(name, `entry ${i} is ${v}, not a class index in [0, ${numClasses})`);
  }
}

/** Fraction of samples whose predicted class equals the target. Needs at least one sample. */
export function accuracy(target: ArrayLike<number>, prediction: ArrayLike<number>): number {
  assertSameLength('target', target, 'prediction', prediction);
  if (target.length === 0) throw new OptionError('target', 'is empty');
  let hits = 0;
  for (let i = 0; i < target.length; i++) if (target[i] === prediction[i]) hits++;
  return hits / target.length;
}

/** Options for {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Number of classes C; labels must lie in [0, C). @default 1 + the largest label seen */
  numClasses?: number;
}

/** Counts[t * C + p] = samples of true class t predicted as p. */
export interface ConfusionMatrix {
  readonly numClasses: number;
  /** Row-major [C, C]: row = true class, column = predicted class (sklearn's layout). */
  readonly counts: Int32Array;
  /** counts at (trueClass, predictedClass). */
  at(trueClass: number, predictedClass: number): number;
}

/** Confusion matrix of integer class indices. */
export function confusionMatrix(
  target: ArrayLike<number>,
  prediction: ArrayLike<number>,
  options: ConfusionMatrixOptions = {},
): ConfusionMatrix {
  assertSameLength('target', target, 'prediction', prediction);
  let c = options.numClasses ?? 0;
  if (options.numClasses === undefined) {
    for (let i = 0; i < target.length; i++) c = Math.max(c, target[i] + 1, prediction[i] + 1);
  }
  if (!Number.isInteger(c) || c < 1) throw new OptionError('numClasses', `must be a positive integer, got ${c}`);
  const counts = new Int32Array(c * c);
  for (let i = 0; i < target.length; i++) {
    assertClassIndex('target', target[i], i, c);
    assertClassIndex('prediction', prediction[i], i, c);
    counts[target[i] * c + prediction[i]]++;
  }
  return { numClasses: c, counts, at: (t, p) => counts[t * c + p] };
}
