// Supervised image classification as a FitTask for the shared training loop: class-balanced or
// shuffled epochs under a seed, seeded flips / small affine / intensity jitter, cross-entropy,
// Adam with cosine decay, validation accuracy (and balanced accuracy) after every epoch; plus
// batched class probabilities for evaluation and prediction.
import { noGrad, tensor, tidy } from '../../engine/index.js';
import { F } from '../../nn/index.js';
import { Adam } from '../../optim/index.js';
import { RandAffine, RandBrightnessContrast, RandCompose, RandFlip, Rng, epochOrder, imageSetBatch, type ImageSet, type RandomTransform } from '../../data/index.js';
import type { FitTask } from '../../train/index.js';
import { dataShard, shardRange } from '../../distributed/world.js';
import { OptionError } from '../../util/errors.js';
import type { ClassifierNet } from './backbones.js';

export const AUGMENTATIONS = ['none', 'flip', 'standard'] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];
/** Test-time augmentation: 'flip' averages the class probabilities of each image and its left-right mirror. */
export const TTA_MODES = ['none', 'flip'] as const;
export type TtaMode = (typeof TTA_MODES)[number];

/** Options of `predictProbabilities`. */
export interface PredictOptions {
  /** Pixel normalisation (x − mean) / std. @default { mean: 0, std: 1 } */ norm?: { mean: number; std: number };
  /** @default 'cpu' */ device?: string;
  /** Test-time augmentation. @default 'none' */ tta?: TtaMode;
}

export interface ClassifierTrainOptions {
  /** @default 20 */ epochs?: number;
  /** @default 32 */ batchSize?: number;
  /** Adam learning rate (cosine decay to 1 % of it over the epochs). @default 0.001 */ lr?: number;
  /** Adam L2 weight decay. @default 0.0001 */ weightDecay?: number;
  /** 'flip': left-right flips; 'standard': flips, ±10° rotation, ±10 % scale, ±4 % shift, brightness/contrast ±10 %. @default 'standard' */ augment?: Augmentation;
  /** Classes drawn equally often (with replacement) instead of each image once per epoch. @default true */ balanced?: boolean;
  /** Label smoothing of the cross-entropy. @default 0 */ labelSmoothing?: number;
  /** @default 0 */ seed?: number;
  /** Pixel normalisation (x − mean) / std applied after augmentation. @default { mean: 0, std: 1 } */ norm?: { mean: number; std: number };
  /** @default 'cpu' */ device?: string;
  /**
   * Training images of each epoch instead of `train` itself (e.g. patches cut anew with a seeded
   * jitter): same count, order and labels as `train`. @default `train` every epoch
   */
  epochSet?: (epoch: number) => Promise<ImageSet>;
}

export function augmentation(kind: Augmentation): RandomTransform<unknown[]> | undefined {
  if (kind === 'none') return undefined;
  if (kind === 'flip') return new RandCompose([new RandFlip({ horizontal: 0.5, vertical: 0 })]);
  return new RandCompose([
    new RandFlip({ horizontal: 0.5, vertical: 0 }),
    new RandAffine({ prob: 0.8, rotate: 10, scale: [0.9, 1.1], translate: 0.04 }),
    new RandBrightnessContrast({ prob: 0.8, brightness: 0.1, contrast: 0.1 }),
  ]);
}

/** Mean and standard deviation of every pixel of a set (for `norm`). */
export function pixelNorm(set: ImageSet): { mean: number; std: number } {
  let s = 0;
  let ss = 0;
  for (const v of set.data) {
    s += v;
    ss += v * v;
  }
  const mean = s / set.data.length;
  return { mean, std: Math.sqrt(Math.max(ss / set.data.length - mean * mean, 1e-12)) };
}

/** The FitTask training `net` on `train`, evaluated on `val` (accuracy, balancedAccuracy, loss). */
export function classifierTask(net: ClassifierNet, train: ImageSet, val: ImageSet | undefined, o: ClassifierTrainOptions = {}): FitTask & { optimizer: Adam } {
  const epochs = o.epochs ?? 20;
  const bs = o.batchSize ?? 32;
  const seed = o.seed ?? 0;
  const lr0 = o.lr ?? 1e-3;
  const device = o.device ?? 'cpu';
  const transform = augmentation(o.augment ?? 'standard');
  const labels = Array.from(train.labels);
  const opt = new Adam(net.parameters(), { lr: lr0, weightDecay: o.weightDecay ?? 1e-4 });
  let order: number[] = [];
  let set = train;
  return {
    optimizer: opt,
    modules: { net },
    optimizers: { adam: opt },
    // data-parallel (kensa launch): each step is a global batch of bs per rank, this rank trains on its part
    stepsPerEpoch: () => Math.max(1, Math.floor(train.count / (bs * dataShard().worldSize))),
    async beginEpoch(epoch) {
      if (o.epochSet) set = await o.epochSet(epoch);
      order = epochOrder(train.count, epoch, { order: (o.balanced ?? true) ? 'balanced' : 'shuffle', seed, labels });
      opt.setLr(lr0 * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs))));
    },
    step(epoch, s) {
      const globalBs = bs * dataShard().worldSize;
      const part = shardRange(Math.min(globalBs, order.length - s * globalBs));
      const first = s * globalBs + part.start; // position in the epoch of this rank's first image
      const idx = order.slice(first, first + part.count);
      opt.zeroGrad();
      const [loss, hits] = tidy(() => {
        const x = imageSetBatch(set, idx, { transform, rngFor: (k) => Rng.derive(seed, epoch, first + k), norm: o.norm, device });
        const y = tensor(idx.map((i) => train.labels[i]), { dtype: 'int64', device });
        const logits = net.forward(x);
        const l = F.crossEntropy(logits, y, { labelSmoothing: o.labelSmoothing ?? 0 });
        l.backward();
        return [l.item(), noGrad(() => logits.argmax(1).eq(y).sum().item())];
      });
      opt.step();
      return { metrics: { loss, accuracy: hits / idx.length }, samples: idx.length };
    },
    evaluate() {
      if (!val || val.count === 0) return {};
      const probs = predictProbabilities(net, val, o);
      return { ...accuracyOf(probs, val.labels, val.classes.length), loss: meanNll(probs, val.labels, val.classes.length) };
    },
  };
}

/**
 * Class probabilities [N·C] (row-major) of every image, eval mode; with `tta: 'flip'` the mean of
 * the softmax of the image and of its left-right mirror (every channel flipped along the width).
 */
export function predictProbabilities(net: ClassifierNet, set: ImageSet, o: PredictOptions = {}, batchSize = 64): Float32Array {
  const c = set.classes.length;
  const tta = o.tta ?? 'none';
  if (!TTA_MODES.includes(tta)) throw new OptionError('--tta', `must be one of ${TTA_MODES.join(', ')}, got '${String(tta)}'`);
  const out = new Float32Array(set.count * c);
  const was = net.training;
  net.eval();
  noGrad(() => {
    for (let s = 0; s < set.count; s += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, set.count - s) }, (_, k) => s + k);
      tidy(() => {
        const x = imageSetBatch(set, idx, { norm: o.norm, device: o.device }); // [B,C,S,S]
        let p = F.softmax(net.forward(x), 1);
        if (tta === 'flip') p = p.add(F.softmax(net.forward(x.flip([3])), 1)).mul(0.5);
        out.set(p.cpu().data() as Float32Array, s * c);
      });
    }
  });
  net.train(was);
  return out;
}

export function argmaxRows(probs: Float32Array, c: number): Int32Array {
  const n = probs.length / c;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let k = 0; k < c; k++) if (probs[i * c + k] > best) [best, out[i]] = [probs[i * c + k], k];
  }
  return out;
}

/** Accuracy and balanced accuracy (mean per-class recall). */
export function accuracyOf(probs: Float32Array, labels: ArrayLike<number>, c: number): { accuracy: number; balancedAccuracy: number } {
  const pred = argmaxRows(probs, c);
  const hit = new Float64Array(c);
  const tot = new Float64Array(c);
  let right = 0;
  for (let i = 0; i < pred.length; i++) {
    tot[labels[i]]++;
    if (pred[i] === labels[i]) {
      hit[labels[i]]++;
      right++;
    }
  }
  const present = [...tot.keys()].filter((k) => tot[k] > 0);
  return { accuracy: right / pred.length, balancedAccuracy: present.reduce((a, k) => a + hit[k] / tot[k], 0) / present.length };
}

function meanNll(probs: Float32Array, labels: ArrayLike<number>, c: number): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s -= Math.log(Math.max(probs[i * c + labels[i]], 1e-12));
  return s / labels.length;
}
