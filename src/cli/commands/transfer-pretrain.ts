// kensa transfer pretrain: a mini-VGG on 2.5D landmark patches (N landmark classes + "not a
// landmark") of a region folder, split by subject, trained by the shared classifier trainer and fit
// loop (best/last checkpoints, --resume); the best weights are scored on the held-apart subjects:
// top-1 and top-5 accuracy and a confusion matrix (Nemoto et al., landmark-based pretraining).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from '../command.js';
import { manualSeed } from '../../engine/index.js';
import type { ImageSet } from '../../data/image-set.js';
import { Rng } from '../../data/rng.js';
import { buildBackbone, type BackboneConfig } from '../../methods/classify/backbones.js';
import { evaluateProbabilities } from '../../methods/classify/evaluation.js';
import { classifierTask, pixelNorm, predictProbabilities } from '../../methods/classify/trainer.js';
import { LANDMARK_POINTS, type LandmarkPoint } from '../../methods/transfer/landmarks.js';
import { NEGATIVE_MASKS, type NegativeMask } from '../../methods/transfer/negatives.js';
import { LANDMARK_MODEL_FILE, readLandmarkModel, saveLandmarkModel } from '../../methods/transfer/model-store.js';
import { landmarkPretrainData, topKAccuracy } from '../../methods/transfer/pretrain.js';
import { readRegionFolder } from '../../methods/transfer/region-folder.js';
import { confusionMatrixFigure } from '../../report/figures/confusion-matrix.js';
import type { ReportSummary } from '../../report/summary.js';
import { fit, loadWeights } from '../../train/index.js';
import { OptionError } from '../../util/errors.js';
import type { RunFolder } from '../run-folder.js';
import { historyFigures } from './classify-common.js';
import { REGION_FOLDER_SPECS, parseIntList, regionLayout, type RegionFolderCliOptions } from './transfer-options.js';

export interface TransferPretrainOptions extends RegionFolderCliOptions {
  /** Region folder (images, label volumes, names). (required) */ data: string;
  /** Landmark classes (the "not a landmark" class comes on top). @default 60 */ classes: number;
  /** Characteristic point per region. @default 'centroid' */ point: string;
  /** Regions (label values) to take instead of the largest ones; '' = by the rule. @default '' */ regions: string;
  /** Label values the rule never takes. @default '' */ exclude: string;
  /** "Not a landmark" points per volume; 0 = as many as landmark classes. @default 0 */ negatives: number;
  /** Least distance of a negative point from every landmark, mm. @default 10 */ minDistance: number;
  /** Where negatives may lie. @default 'labels' */ negativeMask: string;
  /** Patch edge in pixels (the network input). @default 32 */ patchPixels: number;
  /** Patch edge in mm; 0 = one voxel per pixel. @default 0 */ patchMm: number;
  /** Largest training-patch shift per axis, mm. @default 2 */ jitter: number;
  /** Copies of each training landmark per epoch (each its own jitter). @default 2 */ repeat: number;
  /** Base width of the mini-VGG. @default 16 */ width: number;
  /** @default 20 */ epochs: number;
  /** @default 64 */ batchSize: number;
  /** @default 0.001 */ lr: number;
  /** @default 0.0001 */ weightDecay: number;
  /** Class-balanced sampling (each class equally often; the large "not a landmark" class is then seen rarely). @default false */ balanced: boolean;
  /** Share of the subjects for validation. @default 0.1 */ valFraction: number;
  /** Share of the subjects held apart for the test. @default 0.3 */ testFraction: number;
  /** Train on a seeded permutation of the training labels (the no-information control). @default false */ shuffleLabels: boolean;
  /** @default false */ resume: boolean;
}

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;

export const transferPretrainCommand = defineCommand<TransferPretrainOptions>({
  name: 'transfer pretrain',
  summary: 'landmark pretraining: a mini-VGG on 2.5D patches at N anatomical landmarks + "not a landmark", split by subject; top-1/top-5 on held-apart subjects',
  writesRun: true,
  options: {
    data: { kind: 'string', description: 'region folder: image volumes, label volumes on the same grids, optional names table (layout of ixi-t1-regions)', required: true, placeholder: 'DIR' },
    ...REGION_FOLDER_SPECS,
    classes: { kind: 'integer', description: 'landmark classes, by the rule: the regions present in every volume, largest (smallest voxel count over the volumes) first', default: 60, min: 1 },
    point: { kind: 'string', description: "each region's landmark: its centroid, or its six axis-extreme points (one class each)", default: 'centroid', choices: LANDMARK_POINTS },
    regions: { kind: 'string', description: "label values to take, in order, instead of the rule (comma-separated); each must be in every volume ('' = the rule)", default: '', placeholder: 'L,L,...' },
    exclude: { kind: 'string', description: 'label values the rule never takes (comma-separated)', default: '', placeholder: 'L,L,...' },
    negatives: { kind: 'integer', description: '"not a landmark" points per volume (0 = as many as landmark classes)', default: 0, min: 0 },
    minDistance: { kind: 'number', description: 'least distance of a "not a landmark" point from every landmark of its volume, mm', default: 10, min: 0 },
    negativeMask: { kind: 'string', description: "where \"not a landmark\" points lie: 'labels' (labelled voxels) or 'image' (voxels above the mean intensity)", default: 'labels', choices: NEGATIVE_MASKS },
    patchPixels: { kind: 'integer', description: 'patch edge in pixels: three orthogonal planes of this size are the 3 input channels', default: 32, min: 8 },
    patchMm: { kind: 'number', description: 'patch edge in mm (0 = one voxel per pixel)', default: 0, min: 0 },
    jitter: { kind: 'number', description: 'largest random shift of a training patch centre per axis, mm (re-drawn every epoch; validation/test patches are never shifted)', default: 2, min: 0 },
    repeat: { kind: 'integer', description: 'copies of each training item per epoch, each with its own jitter', default: 2, min: 1 },
    width: { kind: 'integer', description: 'mini-VGG base width (doubled per block)', default: 16, min: 1 },
    epochs: { kind: 'integer', description: 'training epochs', default: 20, min: 1 },
    batchSize: { kind: 'integer', description: 'patches per step', default: 64, min: 2 },
    lr: { kind: 'number', description: 'Adam learning rate (cosine decay to 1 %)', default: 0.001, min: 0 },
    weightDecay: { kind: 'number', description: 'Adam L2 weight decay', default: 0.0001, min: 0 },
    balanced: { kind: 'boolean', description: 'class-balanced sampling (each class equally often, so the "not a landmark" class, half of the patches, is seen 1/(N+1) of the time)', default: false },
    valFraction: { kind: 'number', description: 'share of the subjects for validation (picks the best epoch)', default: 0.1, min: 0, max: 0.9 },
    testFraction: { kind: 'number', description: 'share of the subjects held apart for top-1/top-5', default: 0.3, min: 0, max: 0.9 },
    shuffleLabels: { kind: 'boolean', description: 'train on a seeded permutation of the training labels (the no-information control)', default: false },
    resume: { kind: 'boolean', description: 'continue from the last checkpoint in --out', default: false },
  },
  async run(o, _args, ctx) {
    const run = ctx.run();
    if (!run) throw new OptionError('--out', 'is required (the model folder)');
    if (o.resume && !existsSync(join(run.dir, LANDMARK_MODEL_FILE))) throw new OptionError('--resume', `${run.dir} holds no landmark model to resume`);
    const trainFraction = Number((1 - o.valFraction - o.testFraction).toFixed(12));
    if (!(trainFraction > 0)) throw new OptionError('--val-fraction', `with --test-fraction leaves no training subjects (${o.valFraction} + ${o.testFraction} >= 1)`);
    const folder = await readRegionFolder(o.data, regionLayout(o));
    const regions = parseIntList(o.regions, '--regions');
    const patch = { pixels: o.patchPixels, ...(o.patchMm > 0 ? { size: o.patchMm, unit: 'mm' as const } : {}) };
    const negatives = { perVolume: o.negatives > 0 ? o.negatives : o.classes, minDistance: o.minDistance, mask: o.negativeMask as NegativeMask };
    const data = await landmarkPretrainData(folder.pairs, {
      classes: o.classes,
      point: o.point as LandmarkPoint,
      ...(regions.length > 0 ? { regions } : {}),
      exclude: parseIntList(o.exclude, '--exclude'),
      names: folder.names,
      negatives: { ...negatives, seed: o.seed },
      patch,
      jitter: o.jitter,
      repeat: o.repeat,
      fractions: [trainFraction, o.valFraction, o.testFraction],
      seed: o.seed,
    });
    const { dataset, split } = data;
    const C = dataset.classNames.length;
    if (o.resume) {
      const prev = readLandmarkModel(run.dir);
      if (prev.classNames.join('/') !== dataset.classNames.join('/') || prev.split.train.join('/') !== split.train.join('/')) throw new OptionError('--resume', `the run was trained on other landmark classes or subjects than --data and these options give (${prev.classNames.length} vs ${C} classes)`);
    }
    const first = await data.trainSet(0);
    ctx.log(`transfer pretrain: ${dataset.classes.length} landmark classes + not a landmark; subjects ${split.train.length} / ${split.val.length} / ${split.test.length}; patches per epoch ${first.count} (repeat ${o.repeat}), validation ${data.val.count}, test ${data.test.count}; ${o.patchPixels}×${o.patchPixels}×3`);
    const shuffled = o.shuffleLabels ? permutedLabels(first.labels, o.seed) : undefined;
    const relabel = (s: ImageSet): ImageSet => (shuffled ? { ...s, labels: shuffled } : s);
    const norm = pixelNorm(first);
    const config: BackboneConfig = { backbone: 'minivgg', inChannels: 3, inputSize: o.patchPixels, numClasses: C, width: o.width };
    await run.writeJson('split.json', split);
    await saveLandmarkModel(run.dir, { net: config, classNames: dataset.classNames, landmarks: dataset.classes, point: o.point as LandmarkPoint, negatives, patch, jitter: o.jitter, repeat: o.repeat, norm, split, data: folder.dir, layout: folder.layout, shuffledLabels: o.shuffleLabels, seed: o.seed });
    manualSeed(o.seed);
    const net = buildBackbone(config).to(o.device);
    const topts = { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, weightDecay: o.weightDecay, augment: 'none' as const, balanced: o.balanced, seed: o.seed, norm, device: o.device, epochSet: async (e: number) => relabel(await data.trainSet(e)) };
    const task = classifierTask(net, relabel(first), data.val.count > 0 ? data.val : undefined, topts);
    const ckDir = run.checkpointDir();
    const monitor = data.val.count > 0 ? { metric: 'accuracy', mode: 'max' as const } : undefined;
    const r = await fit(task, { epochs: o.epochs, checkpointDir: ckDir, resume: o.resume, seed: o.seed, monitor }, ctx);
    task.optimizer.dispose();
    await historyFigures(run, r.history);
    const bestEpoch = loadWeights(ckDir, { net }, 'best');
    const score = (set: ImageSet) => {
      if (set.count === 0) return undefined;
      const probs = predictProbabilities(net, set, topts);
      // the landmark patches alone (chance 1/(C-1) among them) and the share of "not a landmark" patches called so
      const rows = [...set.labels.keys()].filter((i) => set.labels[i] !== dataset.negativeClass);
      const lp = new Float32Array(rows.length * C);
      rows.forEach((i, k) => lp.set(probs.subarray(i * C, (i + 1) * C), k * C));
      const neg = set.count - rows.length;
      const negRight = [...set.labels.keys()].filter((i) => set.labels[i] === dataset.negativeClass && topKAccuracy(probs.subarray(i * C, (i + 1) * C), [dataset.negativeClass], C, 1) === 1).length;
      return { probs, top1: topKAccuracy(probs, set.labels, C, 1), top5: topKAccuracy(probs, set.labels, C, Math.min(5, C)), landmarkTop1: topKAccuracy(lp, rows.map((i) => set.labels[i]), C, 1), negativeRecall: neg > 0 ? negRight / neg : NaN, count: set.count, subjects: new Set(set.groups).size };
    };
    const val = score(data.val);
    const test = score(data.test);
    net.dispose();
    if (test) {
      const ev = evaluateProbabilities(data.test, test.probs);
      await run.figures.add(confusionMatrixFigure, 'test-confusion', { classes: dataset.classNames, counts: ev.confusion }, {}, `Confusion matrix on the ${test.subjects} held-apart subjects (${test.count} patches): top-1 ${pct(test.top1)}, top-5 ${pct(test.top5)}`);
    }
    const strip = (s: typeof val) => (s ? { top1: s.top1, top5: s.top5, landmarkTop1: s.landmarkTop1, negativeRecall: s.negativeRecall, count: s.count, subjects: s.subjects } : undefined);
    const result = {
      classes: dataset.classNames,
      landmarks: dataset.classes.map((c, i) => ({ ...c, insideShare: dataset.insideShare[i] })),
      incompleteRegions: dataset.incomplete.length,
      split,
      patches: { train: first.count, val: data.val.count, test: data.test.count },
      shuffledLabels: o.shuffleLabels,
      bestEpoch,
      startEpoch: r.startEpoch,
      history: r.history,
      val: strip(val),
      test: strip(test),
      model: run.dir,
    };
    const summary = await pretrainSummary(run, result, C, o.epochs);
    return {
      json: result,
      summary,
      text: `transfer pretrain: ${C} classes, best epoch ${bestEpoch}` + (test ? `, held-apart subjects top-1 ${pct(test.top1)}, top-5 ${pct(test.top5)} (chance ${pct(1 / C)})` : '') + `; model in ${run.dir}`,
    };
  },
});

/** A seeded permutation of the training labels (same label counts, no information). */
function permutedLabels(labels: Int32Array, seed: number): Int32Array {
  const perm = Rng.derive(seed, 0x5348).permutation(labels.length);
  return Int32Array.from(perm, (i) => labels[i]);
}

async function pretrainSummary(run: RunFolder, r: { split: { train: string[]; val: string[]; test: string[] }; bestEpoch: number; shuffledLabels: boolean; test?: { top1: number; top5: number; landmarkTop1: number; negativeRecall: number; count: number; subjects: number }; val?: { top1: number; top5: number } }, C: number, epochs: number): Promise<ReportSummary> {
  const figures = (await run.figures.list()).filter((f) => f.name === 'test-confusion' || f.name === 'accuracy');
  const control = r.shuffledLabels ? ' (trained on shuffled labels: the no-information control)' : '';
  return {
    verdict: r.test
      ? `On ${r.test.subjects} held-apart subjects (${r.test.count} patches) the landmark classifier${control} puts the right class first for ${pct(r.test.top1)} of patches and among its top five for ${pct(r.test.top5)} (chance ${pct(1 / C)}); on the landmark patches alone top-1 is ${pct(r.test.landmarkTop1)}, and ${pct(r.test.negativeRecall)} of the "not a landmark" patches are called so.`
      : `No subjects were held apart (--test-fraction 0)${control}; see the validation accuracy per epoch.`,
    facts: [
      ...(r.test ? [{ label: 'Top-1 (held-apart subjects)', value: pct(r.test.top1), note: `${r.test.count} patches` }, { label: 'Top-5 (held-apart subjects)', value: pct(r.test.top5) }, { label: 'Top-1 on landmark patches', value: pct(r.test.landmarkTop1), note: `chance ${pct(1 / (C - 1))}` }, { label: '"Not a landmark" recall', value: pct(r.test.negativeRecall) }] : []),
      ...(r.val ? [{ label: 'Top-1 (validation subjects)', value: pct(r.val.top1) }] : []),
      { label: 'Classes', value: C, note: `${C - 1} landmarks + not a landmark; chance ${pct(1 / C)}` },
      { label: 'Best epoch', value: r.bestEpoch, note: `of ${epochs}` },
      { label: 'Split (subjects)', value: `${r.split.train.length} / ${r.split.val.length} / ${r.split.test.length}`, note: 'train / val / test' },
    ],
    galleries: figures.length > 0 ? [{ caption: 'Confusion matrix on the held-apart subjects and accuracy per epoch', columns: 2, side: 420, items: figures.map((f) => ({ title: f.name, images: [{ file: f.file }] })) }] : [],
  };
}
