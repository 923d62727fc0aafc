// kensa classify train: a general image classifier on a class-per-folder tree of 2-D images or
// NIfTI volumes (slices), split by group (a subject's slices never straddle splits), trained by the
// shared fit loop: per-epoch validation accuracy, best and last checkpoints, --resume; the best
// weights are then evaluated on the held-apart test groups (confusion matrix, ROC).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { manualSeed } from '../../engine/index.js';
import { syncBatchNorm } from '../../nn/sync-batch-norm.js';
import { subsetImageSet } from '../../data/index.js';
import { BACKBONE_NAMES, buildBackbone, type BackboneConfig } from '../../methods/classify/backbones.js';
import { saveClassifierMeta, readClassifierMeta, CLASSIFIER_FILE } from '../../methods/classify/model-store.js';
import { AUGMENTATIONS, classifierTask, pixelNorm, predictProbabilities, type Augmentation } from '../../methods/classify/trainer.js';
import { fit, loadWeights } from '../../train/index.js';
import { OptionError } from '../../util/errors.js';
import { evaluationFigures, evaluationSummary, historyFigures } from './classify-common.js';
import type { ClassifierEvaluation } from '../../methods/classify/evaluation.js';
import { IMAGE_SET_SPECS, imageSetOptions, indicesOf, readImageSet, splitGroups, type GroupSplit, type ImageSetCliOptions } from './image-set-options.js';

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
  },
  async run(o, _args, ctx) {
    const run = ctx.run();
    if (!run) throw new OptionError('--out', 'is required (the model folder)');
    if (o.resume && !existsSync(join(run.dir, CLASSIFIER_FILE))) throw new OptionError('--resume', `${run.dir} holds no classifier to resume`);
    const set = await readImageSet(o.data, o);
    if (o.resume) {
      const prev = readClassifierMeta(run.dir);
      if (prev.classes.join('/') !== set.classes.join('/')) throw new OptionError('--resume', `the run was trained on classes ${prev.classes.join('/')}, --data has ${set.classes.join('/')}`);
    }
    const trainFraction = Number((1 - o.valFraction - o.testFraction).toFixed(12)); // as cyclegan train rounds it: the same split
    if (!(trainFraction > 0)) throw new OptionError('--val-fraction', `with --test-fraction leaves no training data (${o.valFraction} + ${o.testFraction} >= 1)`);
    const split: GroupSplit = splitGroups(set, [trainFraction, o.valFraction, o.testFraction], o.seed);
    const train = subsetImageSet(set, indicesOf(set, split.train));
    const val = subsetImageSet(set, indicesOf(set, split.val));
    const test = subsetImageSet(set, indicesOf(set, split.test));
    ctx.log(`classify train: ${set.classes.join('/')}; ${train.count} training images (${split.train.length} groups), ${val.count} validation (${split.val.length}), ${test.count} test (${split.test.length}); ${set.size}×${set.size}×${set.channels}`);
    await run.writeJson('split.json', split);
    const config: BackboneConfig = { backbone: o.backbone, inChannels: set.channels, inputSize: set.size, numClasses: set.classes.length, ...(o.width > 0 ? { width: o.width } : {}) };
    const norm = pixelNorm(train);
    await saveClassifierMeta(run.dir, { net: config, classes: set.classes, image: imageSetOptions(o), norm, data: resolve(o.data) });
    manualSeed(o.seed);
    const net = buildBackbone(config).to(o.device);
    if (o.syncBn) ctx.log(`--sync-bn: ${syncBatchNorm(net)} batch-norm layer(s) synchronised over the data-parallel ranks`);
    const topts = { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, weightDecay: o.weightDecay, augment: o.augment as Augmentation, balanced: o.balanced, labelSmoothing: o.labelSmoothing, seed: o.seed, norm, device: o.device };
    const task = classifierTask(net, train, val.count > 0 ? val : undefined, topts);
    const ckDir = run.checkpointDir();
    const monitor = val.count > 0 ? { metric: 'accuracy', mode: 'max' as const } : undefined;
    const r = await fit(task, { epochs: o.epochs, checkpointDir: ckDir, resume: o.resume, seed: o.seed, monitor }, ctx);
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
    if (test.count > 0) result.test = await evaluationFigures(run, 'test', test, predictProbabilities(net, test, topts), 'the held-apart test groups');
    net.dispose();
    const t = result.test as ClassifierEvaluation | undefined;
    const extra = [{ label: 'Best epoch', value: bestEpoch, note: `of ${o.epochs}, by validation accuracy` }, { label: 'Split (groups)', value: `${split.train.length} / ${split.val.length} / ${split.test.length}`, note: 'train / val / test' }];
    const summary = t ? await evaluationSummary(run, 'test', t, set.classes, 'the held-apart test groups', extra) : undefined;
    return {
      summary,
      json: result,
      text: `classify train: ${o.backbone}, best epoch ${bestEpoch}` + (t ? `, test accuracy ${(t.accuracy * 100).toFixed(1)} % per image, ${(t.groupAccuracy * 100).toFixed(1)} % per group` : '') + `; model in ${run.dir}`,
    };
  },
});
