// Options shared by `kensa metric train` and `kensa metric openset-eval`: data, tiling, network and
// training; and the image split by source image (never tiles of one image on two sides).
import type { OptionSpecs } from '../command.js';
import { classFolderDataset, fileNumber, fileNumberKey, splitItems } from '../../data/index.js';
import { BACKBONES } from '../../methods/metric-learning/metric-net.js';
import { parseBox, type TileImage } from '../../methods/metric-learning/tile-data.js';
import { AGGREGATES } from '../../methods/metric-learning/verdict.js';
import { OptionError } from '../../util/errors.js';
import type { ImageSplit } from '../../methods/metric-learning/open-set-eval.js';

export interface MetricDataOptions {
  /** Class-per-folder image root. (required) */ data: string;
  /** Region tiled, x,y,width,height in pixels, or 'none' (the whole image). For sem-ncm, '0,0,1280,894' drops the microscope's info bar (rows 894–959). @default 'none' */ crop: string;
  /** Tile edge in original pixels. @default 128 */ tileSize: number;
  /** Step between tiles in original pixels; 0 = tileSize. @default 0 */ stride: number;
  /** Tiles shrunk by this factor before the network. @default 4 */ downsample: number;
  /** Fraction of each class's images for validation (threshold calibration). @default 0.2 */ valFraction: number;
  /** Fraction of each class's images for testing. @default 0.2 */ testFraction: number;
  /** Files whose numbers share floor(n / groupBlock) stay on one side of the split. @default 1 */ groupBlock: number;
  /** 'contiguous': per class, train | val | test are consecutive runs of file numbers; 'grouped': file-number groups shuffled under the seed. @default 'contiguous' */ split: string;
  /** Contiguous split: which test-sized block of each class's sequence is the test set; -1 = the last. @default -1 */ testBlock: number;
  /** Contiguous split: training images at most this many positions from a test image are left out. @default 4 */ guard: number;
}

export interface MetricNetOptions {
  /** @default 'minivgg' */ backbone: string;
  /** Channels of the backbone's first block. @default 16 */ width: number;
  /** @default 64 */ embeddingSize: number;
  /** Metric heads' scale s. @default 64 */ scale: number;
  /** @default 8 */ epochs: number;
  /** @default 64 */ batchSize: number;
  /** Adam learning rate. @default 0.001 */ lr: number;
  /** Seeded flips and quarter turns. @default true */ augment: boolean;
  // The defaults of pool, lrSchedule, marginWarmup and jitter are the issue-12 study's lever set: on sem-ncm's
  // 20-fold protocol it raised closed-set tile accuracy by 7.1 points (softmax) and 3.5 (ArcFace), paired
  // intervals above 0. The library keeps the old defaults (stored models without a pool field are flatten).
  /** mini-VGG's last feature map: 'flatten' or 'gap' (global average pooling). @default 'gap' */ pool: string;
  /** 'constant' or 'cosine' learning-rate decay over the epochs. @default 'cosine' */ lrSchedule: string;
  /** Metric heads: epochs over which the margin grows from 0 to full (0 = full from the start). @default 2 */ marginWarmup: number;
  /** With --augment: brightness/contrast jitter amplitude (pixel units 0–1; 0 = none). @default 0.1 */ jitter: number;
  /** With --augment: zoom-in jitter, factor in [1, 1 + this] (0 = none). @default 0 */ scaleJitter: number;
  /** Class-balanced sampling. @default true */ balanced: boolean;
  /** TPR on validation tiles for the unknown threshold. @default 0.95 */ tpr: number;
  /** Tile → image aggregation: vote, mean or median. @default 'vote' */ aggregate: string;
}

export const METRIC_DATA_SPECS: OptionSpecs<MetricDataOptions> = {
  data: { kind: 'string', description: 'class-per-folder image root (one sub-folder per class)', required: true, placeholder: 'DIR' },
  crop: { kind: 'string', description: "region tiled, x,y,width,height, or 'none' = the whole image (sem-ncm: 0,0,1280,894 drops its info bar)", default: 'none', placeholder: 'BOX' },
  tileSize: { kind: 'integer', description: 'tile edge in original pixels', default: 128, min: 1 },
  stride: { kind: 'integer', description: 'step between tiles in original pixels (0 = tile size)', default: 0, min: 0 },
  downsample: { kind: 'integer', description: 'tiles are shrunk by this factor (area average)', default: 4, min: 1 },
  valFraction: { kind: 'number', description: "fraction of each class's images for validation", default: 0.2, min: 0.01, max: 0.9 },
  testFraction: { kind: 'number', description: "fraction of each class's images for testing", default: 0.2, min: 0, max: 0.9 },
  groupBlock: { kind: 'integer', description: 'file numbers sharing floor(n / block) stay in one split', default: 1, min: 1 },
  split: {
    kind: 'string',
    description: "'contiguous': per class, train | val | test are consecutive runs of file numbers (neighbouring SEM fields overlap); 'grouped': file-number groups shuffled under --seed",
    default: 'contiguous',
    choices: ['contiguous', 'grouped'],
  },
  testBlock: { kind: 'integer', description: "contiguous split: which test-sized block of each class's file-number sequence is tested (0 = first, -1 = last; val is the block before it)", default: -1, min: -1 },
  guard: { kind: 'integer', description: 'contiguous split: training images at most this many positions from a test image are left out', default: 4, min: 0 },
};

export const METRIC_NET_SPECS: OptionSpecs<MetricNetOptions> = {
  backbone: { kind: 'string', description: 'backbone network', default: 'minivgg', choices: Object.keys(BACKBONES) },
  width: { kind: 'integer', description: "channels of the backbone's first block", default: 16, min: 1 },
  embeddingSize: { kind: 'integer', description: 'embedding size', default: 64, min: 2 },
  scale: { kind: 'number', description: 'scale s of the metric heads', default: 64, min: 0 },
  epochs: { kind: 'integer', description: 'training epochs', default: 8, min: 1 },
  batchSize: { kind: 'integer', description: 'tiles per step', default: 64, min: 2 },
  lr: { kind: 'number', description: 'Adam learning rate', default: 0.001, min: 0 },
  augment: { kind: 'boolean', description: 'seeded flips and quarter turns', default: true },
  pool: { kind: 'string', description: "mini-VGG's last feature map: flatten, or gap (global average pooling)", default: 'gap', choices: ['flatten', 'gap'] },
  lrSchedule: { kind: 'string', description: 'learning rate over the epochs: constant, or cosine decay', default: 'cosine', choices: ['constant', 'cosine'] },
  marginWarmup: { kind: 'integer', description: 'metric heads: epochs over which the margin grows from 0 to full (0 = none)', default: 2, min: 0 },
  jitter: { kind: 'number', description: 'with --augment: brightness/contrast jitter amplitude (0 = none)', default: 0.1, min: 0, max: 0.99 },
  scaleJitter: { kind: 'number', description: 'with --augment: zoom-in jitter, factor in [1, 1 + this] (0 = none)', default: 0, min: 0, max: 1 },
  balanced: { kind: 'boolean', description: 'class-balanced sampling', default: true },
  tpr: { kind: 'number', description: 'fraction of validation known tiles accepted by the threshold', default: 0.95, min: 0.5, max: 1 },
  aggregate: { kind: 'string', description: 'tile → image aggregation of unknown scores', default: 'vote', choices: AGGREGATES },
};

/** The training options of TrainOptions that the net options carry (both trainers pass them on). */
export function trainLevers(o: MetricNetOptions): { lrSchedule: 'constant' | 'cosine'; marginWarmup: number; jitter: number; scaleJitter: number } {
  return { lrSchedule: o.lrSchedule as 'constant' | 'cosine', marginWarmup: o.marginWarmup, jitter: o.jitter, scaleJitter: o.scaleJitter };
}

export function tileOptions(o: MetricDataOptions): { tileSize: number; stride: number; downsample: number; crop: ReturnType<typeof parseBox> } {
  return { tileSize: o.tileSize, stride: o.stride || o.tileSize, downsample: o.downsample, crop: parseBox(o.crop) };
}

/**
 * Images of the class folders and their split by source image, stratified by class: contiguous runs
 * of file numbers (train first, test last), or file-number groups shuffled under the seed.
 */
export async function splitDataset(o: MetricDataOptions, seed: number): Promise<{ classes: string[]; images: TileImage[]; split: ImageSplit }> {
  const ds = await classFolderDataset(o.data);
  const images = ds.items.map((it) => ({ path: it.path, label: it.label }));
  const key = fileNumberKey({ blockSize: o.groupBlock });
  const trainFraction = 1 - o.valFraction - o.testFraction;
  const contiguous = o.split === 'contiguous';
  if (!contiguous && o.testBlock !== -1) throw new OptionError('--test-block', 'applies to --split contiguous only');
  const orderBy = contiguous ? (it: TileImage): number => fileNumber(it.path)! : undefined;
  const testBlock = contiguous && o.testBlock >= 0 ? o.testBlock : undefined;
  const guard = contiguous ? o.guard : 0;
  const s = splitItems(images, { fractions: [trainFraction, o.valFraction, o.testFraction], seed, stratifyBy: (it) => it.label, groupBy: (it) => key(it.path), orderBy, testBlock, guard });
  // Every class needs training and validation images (the unknown scores and thresholds are fitted on them).
  ds.classes.forEach((name, c) => {
    const count = (idx: number[]): number => idx.filter((i) => images[i].label === c).length;
    const total = images.filter((im) => im.label === c).length;
    const [tr, va, te] = [count(s.indices.train), count(s.indices.val), count(s.indices.test)];
    if (tr === 0 || va === 0) {
      const left = total - tr - va - te;
      throw new OptionError(
        tr === 0 && left > 0 ? '--guard' : '--val-fraction',
        `class '${name}' (${total} images) gets ${tr} training and ${va} validation images` +
          (left > 0 ? `; --guard ${guard} left out ${left} training image(s) near its test images (lower --guard, or use more images)` : '; use more images or other fractions'),
      );
    }
  });
  return { classes: ds.classes, images, split: s.indices };
}
