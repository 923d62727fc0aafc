// kensa segment-train: supervised U-Net segmentation on image/mask folders (binary or multi-class,
// mask values mapped by --mask-values), trained by the shared fit loop on random patches with
// seeded joint augmentation, validated by sliding-window Dice every epoch (best epoch by --select-by:
// pooled, present or per-image mean Dice; best/last checkpoints, --resume); the best weights are
// then measured on the held-apart test images, summarised by the same choice.
import { existsSync } from 'node:fs';
import { syncBatchNorm } from '../../nn/sync-batch-norm.js';
import { join, resolve } from 'node:path';
import { defineCommand, type OptionSpecs } from '../command.js';
import { manualSeed } from '../../engine/index.js';
import type { PairItem } from '../../data/index.js';
import { readImageHeader } from '../../io/index.js';
import { UNet } from '../../models/index.js';
import { SEG_LOSSES, type SegLoss } from '../../methods/segmentation/losses.js';
import { formatMaskValues, parseMaskValues } from '../../methods/segmentation/mask-values.js';
import { readSegmenterMeta, saveSegmenterMeta, storedSelectBy, SEGMENTER_FILE } from '../../methods/segmentation/model-store.js';
import { predictImage } from '../../methods/segmentation/predict.js';
import { pixelStats, readSamples, scanMasks, segmentationPairs, type PixelNorm, type SegSample } from '../../methods/segmentation/seg-data.js';
import { SEG_STRATIFY, foregroundImages, splitPairs, type SegStratify } from '../../methods/segmentation/seg-split.js';
import { DEFAULT_SELECT_BY, SELECT_BY, SELECT_BY_MEANING, SELECT_METRIC, imageDice, imageDiceCounts, selectedClassDice, setDice, type SelectBy, type SetDice } from '../../methods/segmentation/set-dice.js';
import { BLENDS, type Blend } from '../../methods/segmentation/sliding-window.js';
import { SEG_AUGMENTATIONS, segmentationTask, type SegAugmentation } from '../../methods/segmentation/trainer.js';
import { lineCurves } from '../../report/figures/line-curves.js';
import { maskContours } from '../../report/figures/mask-contours.js';
import { fit, loadWeights } from '../../train/index.js';
import { OptionError } from '../../util/errors.js';
import type { RunFolder } from '../run-folder.js';
import type { ReportSummary } from '../../report/summary.js';

/** Options shared by segment-train, segment-predict and seg-ability: how masks are read, how windows slide. */
export interface SegMaskCliOptions {
  /** Text after the image's stem in the mask's stem. @default '' */ maskSuffix: string;
}
export interface SegWindowCliOptions {
  /** Sliding-window side; 0 = the model's. @default 0 */ window: number;
  /** Overlap of neighbouring windows; -1 = the model's. @default -1 */ overlap: number;
  /** Window blending; '' = the model's. @default '' */ blend: string;
}

export const SEG_MASK_SPECS: OptionSpecs<SegMaskCliOptions> = {
  maskSuffix: { kind: 'string', description: "text after the image's stem in the mask's stem (e.g. _mask)", default: '' },
};
export const SEG_WINDOW_SPECS: OptionSpecs<SegWindowCliOptions> = {
  window: { kind: 'integer', description: "sliding-window side in pixels (0 = the model's, a multiple of 2^(depth-1))", default: 0, min: 0 },
  overlap: { kind: 'number', description: "overlap of neighbouring windows, fraction of the window (-1 = the model's)", default: -1, min: -1, max: 0.95 },
  blend: { kind: 'string', description: "window blending: gaussian (σ = window/8) or uniform ('' = the model's)", default: '', choices: ['', ...BLENDS] },
};

export interface SegmentTrainOptions extends SegMaskCliOptions {
  /** Image folder. (required) */ images: string;
  /** Mask folder (masks named like their images). (required) */ masks: string;
  /** 'none' (stored values are classes), '>T' (1 above T) or 'v:c,...'. @default 'none' */ maskValues: string;
  /** Classes including background. @default 2 */ classes: number;
  /** 'grey' or 'keep'. @default 'grey' */ channels: string;
  /** U-Net levels. @default 4 */ depth: number;
  /** Channels of the first level (doubled per level). @default 16 */ width: number;
  /** @default true */ batchNorm: boolean;
  /** @default 128 */ patchSize: number;
  /** @default 8 */ patchesPerImage: number;
  /** Share of the patches centred on a foreground pixel. @default 0 */ foregroundPatches: number;
  /** @default 4 */ batchSize: number;
  /** @default 20 */ epochs: number;
  /** @default 0.001 */ lr: number;
  /** @default 'dice-ce' */ loss: string;
  /** @default 'standard' */ augment: string;
  /** 'dataset' or 'image'. @default 'dataset' */ normalize: string;
  /** @default 0.2 */ valFraction: number;
  /** @default 0.2 */ testFraction: number;
  /** 'contiguous' (file-number order) or 'random'. @default 'contiguous' */ split: string;
  /** 'none', or 'foreground': images with and without foreground split by the fractions each on its own. @default 'none' */ stratify: string;
  /** Validation sliding window. @default 256 */ window: number;
  /** @default 0.5 */ overlap: number;
  /** @default 'gaussian' */ blend: string;
  /** Best-epoch criterion on the validation images: 'pooled', 'present' or 'mean'; '' = pooled (on --resume: the run's). @default '' */ selectBy: string;
  /** Epoch checkpoints kept besides the best. @default 2 */ keepCheckpoints: number;
  /** @default false */ resume: boolean;
  /** Under kensa launch: batch-norm statistics of the global batch (SyncBatchNorm). @default false */ syncBn: boolean;
}

export const segmentTrainCommand = defineCommand<SegmentTrainOptions>({
  name: 'segment-train',
  summary: 'train a U-Net on image/mask folders (random patches, Dice + cross-entropy), best/last checkpoints, test Dice',
  writesRun: true,
  options: {
    images: { kind: 'string', description: 'folder of images', required: true, placeholder: 'DIR' },
    masks: { kind: 'string', description: 'folder of masks, named like their images', required: true, placeholder: 'DIR' },
    ...SEG_MASK_SPECS,
    maskValues: { kind: 'string', description: "stored mask values → classes: 'none' (values are class indices), '>T' (1 above T, e.g. '>127'), or 'v:c,...' (e.g. '0:1,255:0')", default: 'none' },
    classes: { kind: 'integer', description: 'classes including background (2 = binary, sigmoid output)', default: 2, min: 2, max: 255 },
    channels: { kind: 'string', description: "image channels: 'grey' (luma) or 'keep' (the file's)", default: 'grey', choices: ['grey', 'keep'] },
    depth: { kind: 'integer', description: 'U-Net levels (input sides must be multiples of 2^(depth-1))', default: 4, min: 1, max: 8 },
    width: { kind: 'integer', description: 'channels of the first level, doubled at each level', default: 16, min: 1 },
    batchNorm: { kind: 'boolean', description: 'batch norm after each convolution', default: true },
    patchSize: { kind: 'integer', description: 'side of the random training patches', default: 128, min: 8 },
    patchesPerImage: { kind: 'integer', description: 'patches drawn from each training image per epoch', default: 8, min: 1 },
    foregroundPatches: { kind: 'number', description: 'share of the training patches centred on a randomly chosen foreground pixel of the mask (the rest placed uniformly; for sparse structures)', default: 0, min: 0, max: 1 },
    batchSize: { kind: 'integer', description: 'patches per step', default: 4, min: 1 },
    epochs: { kind: 'integer', description: 'training epochs', default: 20, min: 1 },
    lr: { kind: 'number', description: 'Adam learning rate', default: 0.001, min: 0 },
    loss: { kind: 'string', description: 'loss: cross-entropy (BCE for 2 classes) + soft Dice, or either alone', default: 'dice-ce', choices: SEG_LOSSES },
    augment: { kind: 'string', description: "seeded joint augmentation of image and mask: 'standard' (flips, quarter turns, brightness/contrast ±10 %), 'flip', 'none'", default: 'standard', choices: SEG_AUGMENTATIONS },
    normalize: { kind: 'string', description: "pixel z-score with the training images' statistics ('dataset') or each image's own ('image')", default: 'dataset', choices: ['dataset', 'image'] },
    valFraction: { kind: 'number', description: 'fraction of the images for validation', default: 0.2, min: 0, max: 0.9 },
    testFraction: { kind: 'number', description: 'fraction of the images held apart for testing', default: 0.2, min: 0, max: 0.9 },
    split: { kind: 'string', description: "'contiguous': train | val | test are consecutive blocks in file-number order (neighbouring slices look alike); 'random': shuffled under --seed", default: 'contiguous', choices: ['contiguous', 'random'] },
    stratify: { kind: 'string', description: "'foreground': the images whose mask holds foreground and those whose mask holds none are split by the fractions each on its own (contiguous within each when --split contiguous), so val and test show the structure when only some images do; 'none': one sequence", default: 'none', choices: SEG_STRATIFY },
    window: { kind: 'integer', description: 'sliding-window side for validation and test (a multiple of 2^(depth-1))', default: 256, min: 8 },
    overlap: { kind: 'number', description: 'overlap of neighbouring windows, fraction of the window', default: 0.5, min: 0, max: 0.95 },
    blend: { kind: 'string', description: 'window blending: gaussian (σ = window/8) or uniform', default: 'gaussian', choices: BLENDS },
    selectBy: { kind: 'string', description: `validation Dice that picks the best epoch and heads the test summary: 'pooled' (over all pixels of the images together; counts false positives on images without the structure and gives an empty one no reward), 'present' (mean over the images that hold the structure), 'mean' (mean per-image Dice; an empty prediction on an empty image scores 1); '' = ${DEFAULT_SELECT_BY}, or on --resume the run's choice`, default: '', choices: ['', ...SELECT_BY] },
    keepCheckpoints: { kind: 'integer', description: 'epoch checkpoints kept besides best.safetensors', default: 2, min: 1 },
    resume: { kind: 'boolean', description: 'continue from the last checkpoint in --out', default: false },
    syncBn: { kind: 'boolean', description: "under kensa launch: batch norm normalises by every rank's part of the batch together (SyncBatchNorm), not each rank's own", default: false },
  },
  async run(o, _args, ctx) {
    if (o.out === undefined) throw new OptionError('--out', 'is required (the model folder)');
    const multiple = 2 ** (o.depth - 1);
    if (o.patchSize % multiple !== 0) throw new OptionError('--patch-size', `must be a multiple of 2^(depth-1) = ${multiple}, got ${o.patchSize}`);
    if (o.window % multiple !== 0) throw new OptionError('--window', `must be a multiple of 2^(depth-1) = ${multiple}, got ${o.window}`);
    if (o.resume && !existsSync(join(o.out, SEGMENTER_FILE))) throw new OptionError('--resume', `${o.out} holds no segmentation run to resume`);
    const trainFraction = 1 - o.valFraction - o.testFraction;
    if (!(trainFraction > 0)) throw new OptionError('--val-fraction', `with --test-fraction leaves no training images (${o.valFraction} + ${o.testFraction} >= 1)`);
    const maskValues = parseMaskValues(o.maskValues);
    const read = { maskValues, classes: o.classes, channels: o.channels as 'grey' | 'keep' };
    // every input is checked before the run folder exists
    const pairs = await segmentationPairs(o.images, o.masks, o.maskSuffix);
    const counts = await scanMasks(pairs, read);
    for (const p of pairs) {
      const h = await readImageHeader(p.image);
      if (h.width < o.patchSize || h.height < o.patchSize) throw new OptionError('--patch-size', `${o.patchSize} is larger than ${p.image} (${h.width}x${h.height})`);
    }
    const split = splitPairs(pairs, { fractions: [trainFraction, o.valFraction, o.testFraction], contiguous: o.split === 'contiguous', seed: o.seed, stratify: o.stratify as SegStratify, classCounts: counts });
    if (split.train.length === 0) throw new OptionError('--val-fraction', `${pairs.length} image(s) leave none for training`);
    if (o.valFraction > 0 && split.val.length === 0) throw new OptionError('--val-fraction', `${pairs.length} image(s) leave none for validation (use --val-fraction 0 to train without)`);
    let selectBy: SelectBy = (o.selectBy || DEFAULT_SELECT_BY) as SelectBy;
    if (o.resume) {
      const prev = readSegmenterMeta(o.out);
      if (prev.classes !== o.classes) throw new OptionError('--resume', `the run was trained with --classes ${prev.classes}, not ${o.classes}`);
      const was = storedSelectBy(prev);
      if (o.selectBy && o.selectBy !== was) throw new OptionError('--select-by', `the run chooses its best epoch by '${was}', not '${o.selectBy}' (resume without --select-by)`);
      selectBy = was;
    }
    if (selectBy !== 'mean' && split.val.length > 0 && foregroundImages(split.val, pairs, counts) === 0) {
      throw new OptionError('--select-by', `${selectBy}: no validation image holds foreground (try --stratify foreground, or --select-by mean)`);
    }
    const stats = o.normalize === 'dataset' ? await pixelStats(split.train.map((p) => p.image), read.channels) : { mean: 0, std: 1 };
    const norm: PixelNorm = { mode: o.normalize as 'dataset' | 'image', ...stats };
    const val = await readSamples(split.val, read);
    const test = await readSamples(split.test, read);
    const inChannels = val[0]?.image.channels ?? (await readSamples([split.train[0]], read))[0].image.channels;
    const run = ctx.run()!;
    const fg = (ps: PairItem[]): number => {
      const c = ps.map((p) => counts[pairs.indexOf(p)]);
      const total = c.reduce((a, x) => a + x.reduce((s, v) => s + v, 0), 0);
      return total ? c.reduce((a, x) => a + x.slice(1).reduce((s, v) => s + v, 0), 0) / total : 0;
    };
    ctx.log(`segment-train: ${split.train.length} training, ${split.val.length} validation, ${split.test.length} test images; foreground share ${(fg(split.train) * 100).toFixed(1)} % (train); images with foreground ${foregroundImages(split.train, pairs, counts)} / ${foregroundImages(split.val, pairs, counts)} / ${foregroundImages(split.test, pairs, counts)} (train / val / test); ${o.patchesPerImage} patches of ${o.patchSize}² per image per epoch` + (o.foregroundPatches > 0 ? `, ${Math.round(o.foregroundPatches * 100)} % centred on foreground` : ''));
    await run.writeJson('split.json', { train: split.train.map((p) => p.image), val: split.val.map((p) => p.image), test: split.test.map((p) => p.image) });
    const widths = Array.from({ length: o.depth }, (_, i) => o.width * 2 ** i);
    const unetOptions = { inChannels, outChannels: o.classes === 2 ? 1 : o.classes, widths, batchNorm: o.batchNorm };
    await saveSegmenterMeta(run.dir, {
      unet: unetOptions, classes: o.classes, channels: read.channels, maskValues: formatMaskValues(maskValues), maskSuffix: o.maskSuffix,
      norm, patchSize: o.patchSize, window: o.window, overlap: o.overlap, blend: o.blend as Blend, selectBy,
    });
    manualSeed(o.seed);
    const unet = new UNet(unetOptions).to(o.device);
    if (o.syncBn) ctx.log(`--sync-bn: ${syncBatchNorm(unet)} batch-norm layer(s) synchronised over the data-parallel ranks`);
    const topts = {
      classes: o.classes, maskValues, channels: read.channels, norm, patchSize: o.patchSize, patchesPerImage: o.patchesPerImage, foregroundPatches: o.foregroundPatches, batchSize: o.batchSize,
      lr: o.lr, loss: o.loss as SegLoss, augment: o.augment as SegAugmentation, seed: o.seed, window: o.window, overlap: o.overlap, blend: o.blend as Blend, device: o.device,
    };
    const task = segmentationTask(unet, split.train, val, topts);
    const ckDir = run.checkpointDir();
    const monitor = val.length > 0 ? { metric: SELECT_METRIC[selectBy], mode: 'max' as const } : undefined;
    const r = await fit(task, { epochs: o.epochs, checkpointDir: ckDir, resume: o.resume, seed: o.seed, monitor, keepLast: o.keepCheckpoints }, ctx);
    task.optimizer.dispose();
    await run.figures.add(lineCurves, 'loss', { series: [{ name: 'training loss', x: r.history.map((h) => h.epoch), y: r.history.map((h) => h.train.loss) }] }, { xTitle: 'epoch', yTitle: `${o.loss} loss` }, 'Mean training loss per epoch');
    if (val.length > 0) {
      const x = r.history.map((h) => h.epoch);
      const series = [{ name: `${selectBy} Dice (selects)`, x, y: r.history.map((h) => h.val[SELECT_METRIC[selectBy]] ?? Number.NaN) }];
      if (selectBy !== 'mean') series.push({ name: 'mean per-image Dice', x, y: r.history.map((h) => h.val.dice) });
      await run.figures.add(lineCurves, 'validation-dice', { series }, { xTitle: 'epoch', yTitle: 'Dice' }, `Validation Dice (sliding-window prediction) per epoch; the best epoch by ${SELECT_BY_MEANING[selectBy]} is kept as best.safetensors`);
    }
    const bestEpoch = loadWeights(ckDir, { unet }, 'best');
    const seg = { unet, classes: o.classes, norm, multiple };
    const wopts = { window: o.window, overlap: o.overlap, blend: o.blend as Blend, device: o.device };
    const measure = async (name: string, set: SegSample[]): Promise<SetDice | undefined> => {
      if (set.length === 0) return undefined;
      const images = [];
      for (const [i, s] of set.entries()) {
        const p = predictImage(seg, s.image, wopts);
        const im = imageDice(s.stem, imageDiceCounts(p.labels, s.mask.data, o.classes));
        images.push(im);
        if (i < 3) await contourFigure(run, `${name}-${s.stem}`, s, p.labels, `${name} image ${s.stem}: ground truth and prediction (Dice ${im.dice.toFixed(3)}), epoch ${bestEpoch} weights`);
      }
      return setDice(images, selectBy);
    };
    const valResult = await measure('val', val);
    const testResult = await measure('test', test);
    unet.dispose();
    const result = {
      images: { train: split.train.length, val: split.val.length, test: split.test.length },
      unet: unetOptions,
      selectBy,
      bestEpoch,
      bestValDice: r.bestValue,
      val: valResult,
      test: testResult,
      history: r.history,
      model: resolve(run.dir),
    };
    const summary: ReportSummary = {
      verdict: `Best epoch ${bestEpoch} of ${o.epochs} by ${selectBy} validation Dice` + (testResult ? `; test Dice ${f3(testResult.dice)} (${selectBy}) on ${testResult.images.length} held-apart image(s).` : '.'),
      facts: [
        { label: 'Best epoch', value: bestEpoch, note: `of ${o.epochs}, by ${SELECT_BY_MEANING[selectBy]}` },
        ...(valResult ? diceFacts('Validation Dice', valResult, 'best weights') : []),
        ...(testResult ? diceFacts('Test Dice', testResult) : []),
        ...(testResult?.meanClassDice ? [{ label: 'Test Dice per class', value: classText(testResult, ' / '), note: `classes 1..${o.classes - 1}, ${selectBy}` }] : []),
        { label: 'Split (images)', value: `${split.train.length} / ${split.val.length} / ${split.test.length}`, note: 'train / val / test' },
        { label: 'U-Net', value: `widths ${unetOptions.widths.join('-')}`, note: unetOptions.batchNorm ? 'batch norm' : 'no batch norm' },
      ],
      ...(testResult ? { tables: [{ caption: 'Dice of each test image (best weights) and its foreground pixels in truth and prediction', columns: ['image', 'Dice', 'truth pixels', 'predicted pixels'], rows: testResult.images.map((im) => ({ label: im.image, cells: [d3(im.dice), sumOf(im.counts, 'truth'), sumOf(im.counts, 'predicted')] })) }] } : {}),
    };
    return {
      summary,
      json: result,
      text: `segment-train: best epoch ${bestEpoch} by ${selectBy} validation Dice` + (valResult ? ` (${f3(valResult.dice)}; per-image mean ${valResult.meanDice.toFixed(3)})` : '') + (testResult ? `, test Dice ${f3(testResult.dice)} (${selectBy}; per-image mean ${testResult.meanDice.toFixed(3)})` : '') + (testResult?.meanClassDice ? ` (classes 1..${o.classes - 1}: ${classText(testResult, ', ')})` : '') + `; model in ${run.dir}`,
    };
  },
});

const d3 = (v: number): number => Number(v.toFixed(3));
/** A Dice for text: three decimals, 'n/a' when undefined (present Dice of a set without the structure). */
export const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

/** Each foreground class's Dice by the set's choice, as text. */
export function classText(d: SetDice, sep: string): string {
  return (selectedClassDice(d) ?? []).map((v) => f3(v ?? Number.NaN)).join(sep);
}

const sumOf = (counts: readonly { truth: number; predicted: number }[], k: 'truth' | 'predicted'): number => counts.reduce((a, c) => a + c[k], 0);

/** Report facts of a set's Dice: the selected one, then the per-image mean (and the pooled one when another is selected), labelled. */
export function diceFacts(label: string, d: SetDice, note = ''): { label: string; value: number | string; note: string }[] {
  const n = `${d.images.length} image(s), ${d.presentImages} holding the structure` + (note ? `, ${note}` : '');
  const facts = [{ label, value: Number.isFinite(d.dice) ? d3(d.dice) : 'n/a', note: `${d.selectBy}: ${SELECT_BY_MEANING[d.selectBy]}; ${n}` }];
  if (d.selectBy !== 'mean') facts.push({ label: `${label}, per-image mean`, value: d3(d.meanDice), note: 'an empty prediction on an empty image scores 1' });
  if (d.selectBy !== 'pooled') facts.push({ label: `${label}, pooled`, value: d3(d.pooledDice), note: 'over all pixels together' });
  return facts;
}

/** Contours of the ground truth (when given) and the prediction over the image (foreground = any non-zero class). */
export async function contourFigure(run: RunFolder, name: string, s: { image: SegSample['image']; mask?: SegSample['mask'] }, labels: Uint8Array, caption: string): Promise<void> {
  const { width, height } = s.image;
  const grey = s.image.data.subarray(0, width * height);
  const binary = (d: ArrayLike<number>): Uint8Array => Uint8Array.from(d, (v) => (v > 0 ? 1 : 0));
  const masks = [];
  if (s.mask) masks.push({ mask: { width, height, channels: 1, data: binary(s.mask.data) }, name: 'ground truth', color: '#2ca02c' });
  masks.push({ mask: { width, height, channels: 1, data: binary(labels) }, name: 'prediction', color: '#d62728' });
  await run.figures.add(maskContours, safeName(name), { image: { width, height, channels: 1, data: grey }, masks }, { width: 320 }, caption);
}

export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._]+/, '').slice(0, 100) || 'figure';
}
