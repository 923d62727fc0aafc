// Evaluation of a classifier on an image set: accuracy, balanced accuracy, the confusion matrix,
// one-vs-rest ROC AUC per class, and accuracy per group (subject) by mean probability over its
// images (e.g. over a subject's slices).
import { auroc, confusionMatrix, rocCurve } from '../../metrics/index.js';
import type { ImageSet } from '../../data/index.js';
import { accuracyOf, argmaxRows } from './trainer.js';

export interface ClassifierEvaluation {
  count: number;
  accuracy: number;
  balancedAccuracy: number;
  /** Row-major [C,C], row = true class. */
  confusion: number[];
  /** One-vs-rest AUC of each class's probability (NaN when a class is absent). */
  auc: Record<string, number>;
  groups: number;
  /** Accuracy over groups, each classified by its images' mean probabilities. */
  groupAccuracy: number;
}

export function evaluateProbabilities(set: ImageSet, probs: Float32Array): ClassifierEvaluation {
  const c = set.classes.length;
  const pred = argmaxRows(probs, c);
  const cm = confusionMatrix(set.labels, pred, { numClasses: c });
  const auc: Record<string, number> = {};
  set.classes.forEach((name, k) => {
    const pos = Array.from(set.labels, (l) => (l === k ? 1 : 0));
    const has = pos.some((p) => p === 1) && pos.some((p) => p === 0);
    auc[name] = has ? auroc(Array.from({ length: set.count }, (_, i) => probs[i * c + k]), pos) : NaN;
  });
  const sums = new Map<string, { p: Float64Array; label: number }>();
  set.groups.forEach((g, i) => {
    const e = sums.get(g) ?? { p: new Float64Array(c), label: set.labels[i] };
    for (let k = 0; k < c; k++) e.p[k] += probs[i * c + k];
    sums.set(g, e);
  });
  let right = 0;
  for (const e of sums.values()) if (argmaxRows(Float32Array.from(e.p), c)[0] === e.label) right++;
  return { count: set.count, ...accuracyOf(probs, set.labels, c), confusion: Array.from(cm.counts), auc, groups: sums.size, groupAccuracy: right / sums.size };
}

/** ROC curves (one-vs-rest, per class with both outcomes present) for the report. */
export function rocCurvesOf(set: ImageSet, probs: Float32Array): { name: string; fpr: Float64Array; tpr: Float64Array }[] {
  const c = set.classes.length;
  const out: { name: string; fpr: Float64Array; tpr: Float64Array }[] = [];
  set.classes.forEach((name, k) => {
    if (c === 2 && k === 0) return; // binary: one curve says it all
    const pos = Array.from(set.labels, (l) => (l === k ? 1 : 0));
    if (!pos.includes(1) || !pos.includes(0)) return;
    const r = rocCurve(Array.from({ length: set.count }, (_, i) => probs[i * c + k]), pos);
    out.push({ name: c === 2 ? `${name} vs ${set.classes[0]}` : `${name} vs rest`, fpr: r.fpr, tpr: r.tpr });
  });
  return out;
}
