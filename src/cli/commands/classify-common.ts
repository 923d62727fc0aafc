// Pieces shared by the classify commands: the evaluation figures (confusion matrix, ROC) and the
// per-epoch curves of a fit history.
import type { RunFolder } from '../run-folder.js';
import type { ImageSet } from '../../data/index.js';
import { confusionMatrixFigure } from '../../report/figures/confusion-matrix.js';
import { lineCurves } from '../../report/figures/line-curves.js';
import { rocCurves } from '../../report/figures/roc-curves.js';
import { evaluateProbabilities, rocCurvesOf, type ClassifierEvaluation } from '../../methods/classify/evaluation.js';
import type { EpochRecord } from '../../train/index.js';
import type { ReportSummary, SummaryFact } from '../../report/summary.js';

export async function evaluationFigures(run: RunFolder, name: string, set: ImageSet, probs: Float32Array, what: string): Promise<ClassifierEvaluation> {
  const ev = evaluateProbabilities(set, probs);
  await run.figures.add(confusionMatrixFigure, `${name}-confusion`, { classes: set.classes, counts: ev.confusion }, {}, `Confusion matrix on ${what} (${ev.count} images, ${ev.groups} groups): accuracy ${(ev.accuracy * 100).toFixed(1)} %`);
  const curves = rocCurvesOf(set, probs);
  if (curves.length > 0) await run.figures.add(rocCurves, `${name}-roc`, { curves }, {}, `ROC on ${what}, per image`);
  return ev;
}

export async function historyFigures(run: RunFolder, history: readonly EpochRecord[]): Promise<void> {
  if (history.length === 0) return;
  const x = history.map((h) => h.epoch);
  const series = (name: string, f: (h: EpochRecord) => number | undefined) => ({ name, x, y: history.map((h) => f(h) ?? NaN) });
  await run.figures.add(lineCurves, 'loss', { series: [series('training', (h) => h.train.loss), series('validation', (h) => h.val.loss)] }, { xTitle: 'epoch', yTitle: 'cross-entropy' }, 'Loss per epoch');
  await run.figures.add(lineCurves, 'accuracy', { series: [series('training (augmented)', (h) => h.train.accuracy), series('validation', (h) => h.val.accuracy)] }, { xTitle: 'epoch', yTitle: 'accuracy' }, 'Accuracy per epoch');
}

/** The report's opening for an evaluation: accuracy per image and per group, AUC, the confusion and ROC figures. */
export async function evaluationSummary(run: RunFolder | undefined, name: string, ev: ClassifierEvaluation, classes: readonly string[], what: string, extra: SummaryFact[] = []): Promise<ReportSummary> {
  const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
  const aucs = Object.values(ev.auc).filter(Number.isFinite);
  const figures = run ? (await run.figures.list()).filter((f) => f.name === `${name}-confusion` || f.name === `${name}-roc` || f.name === 'accuracy') : [];
  return {
    verdict: `On ${what} (${ev.count} images of ${ev.groups} groups) the classifier is right on ${pct(ev.accuracy)} of images and ${pct(ev.groupAccuracy)} of groups (each by its images' mean probability).`,
    facts: [
      { label: 'Accuracy per image', value: pct(ev.accuracy), note: `${ev.count} images` },
      { label: 'Accuracy per group', value: pct(ev.groupAccuracy), note: `${ev.groups} groups` },
      { label: 'Balanced accuracy', value: pct(ev.balancedAccuracy) },
      ...(classes.length === 2 && aucs.length > 0 ? [{ label: 'ROC AUC', value: Number(aucs[0].toFixed(3)) }] : []),
      ...extra,
    ],
    galleries: figures.length > 0 ? [{ caption: 'Confusion matrix, ROC and accuracy per epoch', columns: 3, side: 360, items: figures.map((f) => ({ title: f.name, images: [{ file: f.file }] })) }] : [],
  };
}
