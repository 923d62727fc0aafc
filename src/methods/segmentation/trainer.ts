// Supervised U-Net segmentation as a FitTask for the shared training loop: every epoch draws
// `patchesPerImage` random patches from each training image (seeded crop, flips, quarter turns and
// intensity jitter applied identically to image and mask), trains on Dice + cross-entropy with Adam,
// and evaluates the whole validation images by sliding-window prediction: mean per-image Dice
// ('dice'), Dice pooled over their pixels ('pooledDice') and mean Dice over the images holding the
// structure ('presentDice', absent when none does); --select-by picks which one chooses the best epoch.
import { tidy } from '../../engine/index.js';
import { DataLoader, RandBrightnessContrast, RandCompose, RandCrop, RandFlip, RandRotate90, pairSource, type Batch, type PairItem, type RandomTransform } from '../../data/index.js';
import type { UNet } from '../../models/index.js';
import { Adam } from '../../optim/index.js';
import type { FitTask } from '../../train/index.js';
import { RandForegroundCrop } from './foreground-crop.js';
import { segmentationLoss, type SegLoss } from './losses.js';
import type { MaskValues } from './mask-values.js';
import { predictImage } from './predict.js';
import { normalizeImage, type PixelNorm, type SegSample } from './seg-data.js';
import { imageDice, imageDiceCounts, setDice } from './set-dice.js';
import type { Blend } from './sliding-window.js';

export const SEG_AUGMENTATIONS = ['none', 'flip', 'standard'] as const;
export type SegAugmentation = (typeof SEG_AUGMENTATIONS)[number];

export interface SegTrainOptions {
  /** Number of classes including background (2 = binary). @default 2 */ classes?: number;
  /** Mask value mapping. @default 'none' */ maskValues?: MaskValues;
  /** Image channels as read. @default 'grey' */ channels?: 'grey' | 'keep';
  /** Pixel normalisation. @default dataset statistics { mean 0, std 1 } */ norm?: PixelNorm;
  /** Side of the random training patches. @default 128 */ patchSize?: number;
  /** Patches drawn from each training image per epoch. @default 8 */ patchesPerImage?: number;
  /** Share of the patches centred on a foreground pixel of the mask (the rest placed uniformly). @default 0 */ foregroundPatches?: number;
  /** @default 4 */ batchSize?: number;
  /** Adam learning rate. @default 0.001 */ lr?: number;
  /** @default 'dice-ce' */ loss?: SegLoss;
  /** 'flip': flips; 'standard': flips, quarter turns, brightness/contrast ±10 %. @default 'standard' */ augment?: SegAugmentation;
  /** @default 0 */ seed?: number;
  /** Validation sliding window. @default 256 */ window?: number;
  /** @default 0.5 */ overlap?: number;
  /** @default 'gaussian' */ blend?: Blend;
  /** @default 'cpu' */ device?: string;
}

/** The random transform of a training patch: crop first (cheap; a share `foreground` of them centred on foreground), then the augmentations. */
export function patchTransform(patch: number, augment: SegAugmentation, foreground = 0): RandomTransform<unknown[]> {
  const t: RandomTransform<any>[] = [foreground > 0 ? new RandForegroundCrop(patch, foreground) : new RandCrop({ height: patch, width: patch })];
  if (augment !== 'none') t.push(new RandFlip({ horizontal: 0.5, vertical: 0.5 }));
  if (augment === 'standard') t.push(new RandRotate90({ prob: 0.75 }), new RandBrightnessContrast({ prob: 0.8, brightness: 0.1, contrast: 0.1 }));
  return new RandCompose(t);
}

export type SegTask = FitTask & { optimizer: Adam; loader: DataLoader };

/** The FitTask training `unet` on patches of `train`, validated on the decoded `val` samples (raw images). */
export function segmentationTask(unet: UNet, train: readonly PairItem[], val: readonly SegSample[], o: SegTrainOptions = {}): SegTask {
  const classes = o.classes ?? 2;
  const k = o.patchesPerImage ?? 8;
  const bs = o.batchSize ?? 4;
  const norm = o.norm ?? { mode: 'dataset', mean: 0, std: 1 };
  const device = o.device ?? 'cpu';
  const multiple = 2 ** (unet.down.length - 1);
  const repeated = Array.from({ length: train.length * k }, (_, i) => train[i % train.length]);
  const source = pairSource(repeated, {
    image: { channels: o.channels ?? 'grey' },
    mask: { values: o.maskValues ?? 'none' },
    prepare: (img) => normalizeImage(img, norm),
    transform: patchTransform(o.patchSize ?? 128, o.augment ?? 'standard', o.foregroundPatches ?? 0),
  });
  const loader = new DataLoader(source, { batchSize: bs, order: 'shuffle', seed: o.seed ?? 0, dropLast: repeated.length >= bs, prefetch: 2 });
  const opt = new Adam(unet.parameters(), { lr: o.lr ?? 1e-3 });
  let batches: AsyncGenerator<Batch, void, undefined> | undefined;
  return {
    optimizer: opt,
    loader,
    modules: { unet },
    optimizers: { adam: opt },
    stepsPerEpoch: (epoch) => loader.batchIndices(epoch).length,
    beginEpoch(epoch) {
      void batches?.return(undefined);
      batches = loader.epoch(epoch);
    },
    async step() {
      const next = await batches!.next();
      if (next.done) throw new Error('segmentation: the loader ran out of batches before the epoch ended');
      const batch = next.value;
      try {
        opt.zeroGrad();
        const loss = tidy(() => {
          const x = device === 'cpu' ? batch.images : batch.images.to(device);
          const y = device === 'cpu' ? batch.masks! : batch.masks!.to(device);
          const l = segmentationLoss(unet.forward(x), y, classes, o.loss ?? 'dice-ce');
          l.backward();
          return l.item();
        });
        opt.step();
        return { metrics: { loss }, samples: batch.indices.length };
      } finally {
        batch.dispose();
      }
    },
    evaluate(): Record<string, number> {
      if (val.length === 0) return {};
      const images = val.map((v) => {
        const p = predictImage({ unet, classes, norm, multiple }, v.image, { window: o.window ?? 256, overlap: o.overlap ?? 0.5, blend: o.blend ?? 'gaussian', device });
        return imageDice(v.stem, imageDiceCounts(p.labels, v.mask.data, classes));
      });
      const d = setDice(images);
      return { dice: d.meanDice, pooledDice: d.pooledDice, ...(d.presentDice !== null ? { presentDice: d.presentDice } : {}) };
    },
  };
}
