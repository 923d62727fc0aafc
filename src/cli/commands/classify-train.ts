// kensa classify train: a general image classifier on a class-per-folder tree of 2-D images or
// NIfTI volumes (slices), split by group (a subject's slices never straddle splits), trained by the
// shared fit loop: per-epoch validation accuracy, best and last checkpoints, --resume; the best
// weights are then evaluated on the held-apart test groups (confusion matrix, ROC).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { manualSeed } from '../../engine/index.js';
import { syncBatchNorm } from '../../nn/sync-batch-norm.js';
import { foldSubjects, subsetImageSet, type ImageSet } from '../../data/index.js';
import { auroc as aurocOf, bootstrapIndices, bootstrapInterval, type BootstrapInterval } from '../../metrics/index.js';
import { RunFolder } from '../run-folder.js';
import type { CommandContext, CommonOptions } from '../command.js';
import { BACKBONE_NAMES, buildBackbone, type BackboneConfig } from '../../methods/classify/backbones.js';
import { saveClassifierMeta, readClassifierMeta, CLASSIFIER_FILE } from '../../methods/classify/model-store.js';
import { AUGMENTATIONS, TTA_MODES, classifierTask, pixelNorm, predictProbabilities, type Augmentation, type TtaMode } from '../../methods/classify/trainer.js';
import { fit, loadWeights } from '../../train/index.js';
import { OptionError } from '../../util/errors.js';
import { evaluationFigures, evaluationSummary, historyFigures } from './classify-common.js';
import { evaluateProbabilities, type ClassifierEvaluation } from '../../methods/classify/evaluation.js';
import { CONTEXT_SPEC, IMAGE_SET_SPECS, imageSetOptions, indicesOf, readImageSet, splitGroups, type GroupSplit, type ImageSetCliOptions } from './image-set-options.js';

export interface ClassifyTrainOptions extends ImageSetCliOptions {
  /** Class-per-folder root. (required) */ data: string;
  /** @default 'minivgg' */ backbone: string;
  /** Base width; 0 = the backbone's default (mini-VGG 16, ResNet-18 64). @default 0 */ width: number;
  /** @default 20 */ epochs: number;
  /** @default 32 */ batchSize: number;
  /** @default 0.001 */ lr: number;
  /** @default 0.0001 */ weightDecay: number;
  /** @default 'standard' */ augment: string;
  /** @default true */ balanced: boolean;
  /** @default 0 */ labelSmoothing: number;
  /** Fraction of each class's groups for validation. @default 0.15 */ valFraction: number;
  /** Fraction of each class's groups for testing. @default 0.15 */ testFraction: number;
  /** @default false */ resume: boolean;
  /** Under kensa launch: batch-norm statistics of the global batch (SyncBatchNorm). @default false */ syncBn: boolean;
  /** K-fold cross-validation by group (0 = one split). @default 0 */ cvFolds: number;
  /** With cvFolds: only this fold (-1 = all). @default -1 */ cvFold: number;
  /** Volumes: 2.5-D input, 2K+1 neighbouring slices as channels (0 = one slice). @default 0 */ context: number;
  /** Test-time augmentation of the test evaluation ('flip': mean over the image and its mirror; validation stays plain). @default 'none' */ tta: string;
}

export const classifyTrainCommand = defineCommand<ClassifyTrainOptions>({
  name: 'classify train',
  summary: 'train an image classifier (2-D images or NIfTI slices, split by subject), best/last checkpoints, test evaluation',
  writesRun: true,
  options: {
    data: { kind: 'string', description: 'class-per-folder root: one sub-folder per class of 2-D images or NIfTI volumes', required: true, placeholder: 'DIR' },
    ...IMAGE_SET_SPECS,
    backbone: { kind: 'string', description: 'network', default: 'minivgg', choices: BACKBONE_NAMES },
    width: { kind: 'integer', description: "base width (0 = the backbone's default: mini-VGG 16, ResNet-18 64)", default: 0, min: 0 },
    epochs: { kind: 'integer', description: 'training epochs', default: 20, min: 1 },
    batchSize: { kind: 'integer', description: 'images per step', default: 32, min: 2 },
    lr: { kind: 'number', description: 'Adam learning rate (cosine decay to 1 %)', default: 0.001, min: 0 },
    weightDecay: { kind: 'number', description: 'Adam L2 weight decay', default: 0.0001, min: 0 },
    augment: { kind: 'string', description: "'standard': flips, ±10° rotation, ±10 % scale, shifts, brightness/contrast; 'flip'; 'none'", default: 'standard', choices: AUGMENTATIONS },
    balanced: { kind: 'boolean', description: 'class-balanced sampling', default: true },
    labelSmoothing: { kind: 'number', description: 'label smoothing of the cross-entropy', default: 0, min: 0, max: 0.5 },
    valFraction: { kind: 'number', description: "fraction of each class's subjects (files) for validation", default: 0.15, min: 0.01, max: 0.9 },
    testFraction: { kind: 'number', description: "fraction of each class's subjects (files) for testing", default: 0.15, min: 0, max: 0.9 },
    resume: { kind: 'boolean', description: 'continue from the last checkpoint in --out', default: false },
    syncBn: { kind: 'boolean', description: "under kensa launch: batch norm normalises by every rank's part of the batch together (SyncBatchNorm), not each rank's own", default: false },
    cvFolds: { kind: 'integer', description: "K-fold cross-validation by group: K models (folds/fold-k), each group tested once, pooled test evaluation with group-bootstrap intervals; --val-fraction is then the share of each fold's other groups for validation and --test-fraction is unused (0 = one train/val/test split)", default: 0, min: 0 },
    cvFold: { kind: 'integer', description: 'with --cv-folds: run only this fold (0-based; -1 = all), e.g. one fold per machine', default: -1, min: -1 },
    context: CONTEXT_SPEC,
    tta: { kind: 'string', description: "test-time augmentation of the test evaluation: 'flip' averages the probabilities of each image and its left-right mirror (the plain result is kept beside it as testPlain); model selection on validation stays plain", default: 'none', choices: TTA_MODES },
  },
  async run(o, _args, ctx) {
    const run = ctx.run();
    if (!run) throw new OptionError('--out', 'is required (the model folder)');
    if (o.cvFolds === 1) throw new OptionError('--cv-folds', 'must be 0 (one split) or at least 2');
    if (o.cvFold >= 0 && o.cvFolds < 2) throw new OptionError('--cv-fold', 'needs --cv-folds K (K >= 2)');
    if (o.cvFold >= o.cvFolds && o.cvFolds >= 2) throw new OptionError('--cv-fold', `must be in [0, ${o.cvFolds - 1}] for --cv-folds ${o.cvFolds}, got ${o.cvFold}`);
    const cv = o.cvFolds >= 2;
    if (o.resume && !cv && !existsSync(join(run.dir, CLASSIFIER_FILE))) throw new OptionError('--resume', `${run.dir} holds no classifier to resume`);
    const set = await readImageSet(o.data, o);
    if (!cv) {
      const trainFraction = Number((1 - o.valFraction - o.testFraction).toFixed(12)); // as cyclegan train rounds it: the same split
      if (!(trainFraction > 0)) throw new OptionError('--val-fraction', `with --test-fraction leaves no training data (${o.valFraction} + ${o.testFraction} >= 1)`);
      const split: GroupSplit = splitGroups(set, [trainFraction, o.valFraction, o.testFraction], o.seed);
      const r = await trainOnSplit(o, set, split, run, ctx, o.resume);
      const t = r.test;
      const extra = [{ label: 'Best epoch', value: r.bestEpoch, note: `of ${o.epochs}, by validation accuracy` }, { label: 'Split (groups)', value: `${split.train.length} / ${split.val.length} / ${split.test.length}`, note: 'train / val / test' }];
      const summary = t ? await evaluationSummary(run, 'test', t.evaluation, set.classes, 'the held-apart test groups', extra) : undefined;
      return {
        summary,
        json: r.result,
        text: `classify train: ${o.backbone}, best epoch ${r.bestEpoch}` + (t ? `, test accuracy ${pct(t.evaluation.accuracy)} per image, ${pct(t.evaluation.groupAccuracy)} per group` : '') + `; model in ${run.dir}`,
      };
    }
    // K-fold cross-validation by subject: one complete model folder per fold (folds/fold-k), then
    // every subject's test prediction (from the fold that held it out) pooled into one evaluation.
    const folds = o.cvFold >= 0 ? [o.cvFold] : Array.from({ length: o.cvFolds }, (_, k) => k);
    const perFold: Record<string, unknown>[] = [];
    const pooledIdx: number[] = [];
    const pooledProbs: Float32Array[] = [];
    const pooledPlain: Float32Array[] = [];
    for (const k of folds) {
      const split = foldSubjects(set, { folds: o.cvFolds, fold: k, valFraction: o.valFraction, seed: o.seed });
      const sub = new RunFolder(run.path('folds', `fold-${k}`));
      const resume = o.resume && existsSync(join(sub.dir, CLASSIFIER_FILE)) && sub.hasCheckpoints();
      ctx.log(`classify train: fold ${k + 1} of ${o.cvFolds} (${split.test.length} test groups)${resume ? ', resuming' : ''}`);
      const r = await trainOnSplit(o, set, split, sub, ctx, resume);
      await sub.writeMetrics(r.result);
      await sub.writeReport(`classify train, fold ${k} of ${o.cvFolds}`);
      const t = r.test!;
      pooledIdx.push(...t.indices);
      pooledProbs.push(t.probs);
      if (t.plain) pooledPlain.push(t.plain);
      const plainEv = r.result.testPlain as ClassifierEvaluation | undefined;
      perFold.push({ fold: k, model: sub.dir, bestEpoch: r.bestEpoch, groups: r.result.groups, accuracy: t.evaluation.accuracy, groupAccuracy: t.evaluation.groupAccuracy, auc: t.evaluation.auc, ...(plainEv ? { plainAccuracy: plainEv.accuracy, plainGroupAccuracy: plainEv.groupAccuracy, plainAuc: plainEv.auc } : {}) });
    }
    const pooledSet = subsetImageSet(set, pooledIdx);
    const probs = concatFloat32(pooledProbs);
    const ev = await evaluationFigures(run, 'cv-test', pooledSet, probs, `every fold's held-out groups together`);
    const intervals = groupBootstrap(pooledSet, probs, o.seed);
    let plain: { test: ClassifierEvaluation; intervals: ReturnType<typeof groupBootstrap> } | undefined;
    if (pooledPlain.length > 0) {
      const p = concatFloat32(pooledPlain);
      plain = { test: evaluateProbabilities(pooledSet, p), intervals: groupBootstrap(pooledSet, p, o.seed) };
    }
    const result = {
      classes: set.classes,
      crossValidation: { folds: o.cvFolds, foldsRun: folds, seed: o.seed, valFraction: o.valFraction, tta: o.tta, context: o.context },
      folds: perFold,
      test: ev,
      intervals,
      ...(plain ? { testPlain: plain.test, intervalsPlain: plain.intervals } : {}),
      model: run.dir,
    };
    const extra = [
      { label: '95 % interval, per image', value: `${pct(intervals.accuracy.low)} – ${pct(intervals.accuracy.high)}`, note: `bootstrap over the ${ev.groups} groups` },
      { label: 'Folds', value: `${folds.length} of ${o.cvFolds}`, note: `per fold: ${perFold.map((f) => pct(f.accuracy as number)).join(', ')}` },
    ];
    const summary = await evaluationSummary(run, 'cv-test', ev, set.classes, `the held-out groups of ${folds.length} fold(s), each predicted by the model that did not see it`, extra);
    return {
      summary,
      json: result,
      text: `classify train: ${o.cvFolds}-fold cross-validation by group, ${o.backbone}; pooled test accuracy ${pct(ev.accuracy)} per image (95 % ${pct(intervals.accuracy.low)}–${pct(intervals.accuracy.high)}), ${pct(ev.groupAccuracy)} per group over ${ev.groups} groups; models in ${run.path('folds')}`,
    };
  },
});

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;

interface SplitRun {
  result: Record<string, unknown>;
  bestEpoch: number;
  /** `probs` under --tta; `plain` without it (only when --tta is not 'none'). */
  test?: { evaluation: ClassifierEvaluation; probs: Float32Array; indices: number[]; plain?: Float32Array };
}

/** Trains one classifier on `split` into `run` (a complete model folder) and evaluates it on the split's validation and test groups. */
async function trainOnSplit(o: ClassifyTrainOptions & CommonOptions, set: ImageSet, split: GroupSplit, run: RunFolder, ctx: CommandContext, resume: boolean): Promise<SplitRun> {
  const testIdx = indicesOf(set, split.test);
  const train = subsetImageSet(set, indicesOf(set, split.train));
  const val = subsetImageSet(set, indicesOf(set, split.val));
  const test = subsetImageSet(set, testIdx);
  if (resume) {
    const prev = readClassifierMeta(run.dir);
    if (prev.classes.join('/') !== set.classes.join('/')) throw new OptionError('--resume', `the run was trained on classes ${prev.classes.join('/')}, --data has ${set.classes.join('/')}`);
  }
  ctx.log(`classify train: ${set.classes.join('/')}; ${train.count} training images (${split.train.length} groups), ${val.count} validation (${split.val.length}), ${test.count} test (${split.test.length}); ${set.size}×${set.size}×${set.channels}`);
  await run.writeJson('split.json', split);
  const config: BackboneConfig = { backbone: o.backbone, inChannels: set.channels, inputSize: set.size, numClasses: set.classes.length, ...(o.width > 0 ? { width: o.width } : {}) };
  const norm = pixelNorm(train);
  await saveClassifierMeta(run.dir, { net: config, classes: set.classes, image: imageSetOptions(o), norm, data: resolve(o.data) });
  manualSeed(o.seed);
  const net = buildBackbone(config).to(o.device);
  try {
    if (o.syncBn) ctx.log(`--sync-bn: ${syncBatchNorm(net)} batch-norm layer(s) synchronised over the data-parallel ranks`);
    const topts = { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, weightDecay: o.weightDecay, augment: o.augment as Augmentation, balanced: o.balanced, labelSmoothing: o.labelSmoothing, seed: o.seed, norm, device: o.device };
    const task = classifierTask(net, train, val.count > 0 ? val : undefined, topts);
    const ckDir = run.checkpointDir();
    const monitor = val.count > 0 ? { metric: 'accuracy', mode: 'max' as const } : undefined;
    const r = await fit(task, { epochs: o.epochs, checkpointDir: ckDir, resume, seed: o.seed, monitor }, ctx);
    task.optimizer.dispose();
    await historyFigures(run, r.history);
    const bestEpoch = loadWeights(ckDir, { net }, 'best');
    const result: Record<string, unknown> = {
      classes: set.classes,
      backbone: config,
      groups: { train: split.train.length, val: split.val.length, test: split.test.length },
      images: { train: train.count, val: val.count, test: test.count },
      bestEpoch,
      history: r.history,
      model: run.dir,
    };
    if (val.count > 0) result.val = await evaluationFigures(run, 'val', val, predictProbabilities(net, val, topts), 'the validation groups');
    let testOut: SplitRun['test'];
    if (test.count > 0) {
      const tta = o.tta as TtaMode;
      const probs = predictProbabilities(net, test, { ...topts, tta });
      const evaluation = await evaluationFigures(run, 'test', test, probs, `the held-apart test groups${tta === 'none' ? '' : ` (test-time augmentation: ${tta})`}`);
      result.test = evaluation;
      let plain: Float32Array | undefined;
      if (tta !== 'none') {
        plain = predictProbabilities(net, test, topts);
        result.testPlain = evaluateProbabilities(test, plain);
      }
      testOut = { evaluation, probs, indices: testIdx, plain };
    }
    return { result, bestEpoch, test: testOut };
  } finally {
    net.dispose();
  }
}

function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * 95 % percentile intervals of per-image accuracy, per-group accuracy and (two classes) ROC AUC,
 * resampling whole groups (subjects) with replacement: the images of one subject are not
 * independent, so they are drawn together.
 */
export function groupBootstrap(set: ImageSet, probs: Float32Array, seed: number, resamples = 2000): { accuracy: BootstrapInterval; groupAccuracy: BootstrapInterval; auc?: BootstrapInterval } {
  const c = set.classes.length;
  const names = [...new Set(set.groups)];
  const members = names.map((g) => set.groups.flatMap((x, i) => (x === g ? [i] : [])));
  const draws = bootstrapIndices(names.length, { resamples, seed });
  const gather = (idx: Uint32Array): number[] => Array.from(idx).flatMap((g) => members[g]);
  const strip = (b: BootstrapInterval): BootstrapInterval => ({ ...b, values: new Float64Array(0) });
  const pred = (i: number): number => {
    let best = 0;
    for (let k = 1; k < c; k++) if (probs[i * c + k] > probs[i * c + best]) best = k;
    return best;
  };
  const accuracy = bootstrapInterval(names.length, (idx) => {
    const items = gather(idx);
    return items.filter((i) => pred(i) === set.labels[i]).length / items.length;
  }, { draws });
  const groupRight = members.map((m) => {
    const mean = new Float64Array(c);
    for (const i of m) for (let k = 0; k < c; k++) mean[k] += probs[i * c + k];
    let best = 0;
    for (let k = 1; k < c; k++) if (mean[k] > mean[best]) best = k;
    return best === set.labels[m[0]] ? 1 : 0;
  });
  const groupAccuracy = bootstrapInterval(names.length, (idx) => Array.from(idx).reduce((s, g) => s + groupRight[g], 0) / idx.length, { draws });
  let auc: BootstrapInterval | undefined;
  if (c === 2) {
    auc = bootstrapInterval(names.length, (idx) => {
      const items = gather(idx);
      const y = items.map((i) => (set.labels[i] === 1 ? 1 : 0));
      if (!y.includes(1) || !y.includes(0)) return NaN;
      return aurocOf(items.map((i) => probs[i * c + 1]), y);
    }, { draws });
  }
  return { accuracy: strip(accuracy), groupAccuracy: strip(groupAccuracy), ...(auc ? { auc: strip(auc) } : {}) };
}
