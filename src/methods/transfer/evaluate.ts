// The transfer experiment: patches of a target task, frozen features of several pretrainings
// (and raw intensities), and for each an AdaBoost AUC curve against the number of weak learners,
// each seed trained on that seed's few labels from the training subjects and read on every
// patch of the test subjects (Nemoto et al., Figure 3).
import type { Patch25dOptions } from '../../data/patch-25d.js';
import { patchSource } from '../../data/patch-source.js';
import type { ImageSet } from '../../data/image-set.js';
import { OptionError } from '../../util/errors.js';
import type { AdaBoostAlgorithm } from './adaboost.js';
import { aucCurve, stagedScores, type AucCurve } from './boosting-curves.js';
import type { FeatureMatrix } from './decision-stump.js';
import { featureRows } from './features.js';
import { patchImageSet, scaleVolume } from './patch-sets.js';
import { lesionEdit, type LesionItem } from './synthetic-lesion.js';
import { fewLabels, type TargetTask } from './target-tasks.js';

/** Every item of a target task as a patch image set (no jitter; lesions inserted), volumes scaled as in pretraining. */
export async function taskImageSet(task: TargetTask, patch: Patch25dOptions = {}): Promise<ImageSet> {
  const src = patchSource<LesionItem>(task.items, { patch, prepareVolume: scaleVolume, edit: lesionEdit });
  return patchImageSet(src, task.items, [...task.classNames]);
}

/** Options of `transferCurves`. */
export interface TransferCurveOptions {
  /** Training patches per class and seed. @default 20 */
  labels?: number;
  /** Seeds (each its own few labels and ensemble). @default 5 */
  seeds?: number;
  /** Learner counts to read (e.g. `learnerCounts(200)`). (required) */
  counts: number[];
  /** @default 'SAMME' */
  algorithm?: AdaBoostAlgorithm;
  /** Bootstrap resamples of the test patches. @default 500 */
  resamples?: number;
  /** Base seed of the few-label draws and the bootstrap. @default 0 */
  seed?: number;
}

/** AUC curves of each feature kind on one task; train on few labels of `trainGroups`, test on every item of `testGroups`. */
export function transferCurves(task: TargetTask, features: ReadonlyMap<string, FeatureMatrix>, trainGroups: ReadonlySet<string>, testGroups: ReadonlySet<string>, o: TransferCurveOptions): { curves: Record<string, AucCurve>; testCount: number } {
  const n = task.items.length;
  for (const [name, f] of features) if (f.rows !== n) throw new OptionError('features', `'${name}' has ${f.rows} rows for ${n} patches of task ${task.name}`);
  for (const g of trainGroups) if (testGroups.has(g)) throw new OptionError('subjects', `subject ${g} is both a training and a test subject`);
  const test = task.items.map((it, i) => [it, i] as const).filter(([it]) => testGroups.has(it.group ?? '')).map(([, i]) => i);
  const yTest = test.map((i) => task.items[i].label);
  if (!yTest.includes(0) || !yTest.includes(1)) throw new OptionError('subjects', `the test subjects give no patches of both classes of task ${task.name}`);
  const seeds = o.seeds ?? 5;
  const base = o.seed ?? 0;
  const draws = Array.from({ length: seeds }, (_, s) => fewLabels(task.items, trainGroups, o.labels ?? 20, base + s));
  const curves: Record<string, AucCurve> = {};
  for (const [name, f] of features) {
    const xTest = featureRows(f, test);
    const scores = draws.map((idx) => stagedScores(featureRows(f, idx), idx.map((i) => task.items[i].label), xTest, o.counts, o.algorithm ?? 'SAMME'));
    curves[name] = aucCurve(scores, yTest, o.counts, { resamples: o.resamples ?? 500, seed: base });
  }
  return { curves, testCount: test.length };
}
