// Patch datasets as image sets for the classifier trainer: 2.5D patches of a `patchSource` cut
// for one epoch (its seeded jitter), T1 volumes scaled to [0, 1] by their 1st..99th percentile of
// non-zero voxels, and the natural-image stand-in task (which image a random crop comes from).
import type { Volume } from '../../io/index.js';
import { loadImage } from '../../data/image-load.js';
import type { ItemSource } from '../../data/loader.js';
import { percentileScale } from '../../data/normalize.js';
import type { PatchItem } from '../../data/patch-source.js';
import { Rng } from '../../data/rng.js';
import type { ImageSet } from '../../data/image-set.js';
import { imageSetFiles } from '../../data/image-set.js';
import { InputError, OptionError } from '../../util/errors.js';

/** A volume's intensities clipped to its 1st..99th percentile of non-zero voxels, scaled to [0, 1]. */
export function scaleVolume(vol: Volume): Volume {
  return { ...vol, data: percentileScale(vol.data, { ignoreZeros: true }) };
}

/** Every item of `source` loaded as in epoch `epoch` (its jitter), packed into one image set. */
export async function patchImageSet(source: ItemSource, items: readonly PatchItem[], classes: string[], epoch = 0, seed = 0): Promise<ImageSet> {
  if (items.length === 0) throw new OptionError('items', 'no patches');
  const samples = [];
  for (let i = 0; i < items.length; i++) samples.push(await source.load(i, { epoch, rng: Rng.derive(seed, epoch, i) }));
  const { channels, height } = samples[0].image;
  const per = channels * height * height;
  const data = new Float32Array(items.length * per);
  samples.forEach((s, i) => data.set(s.image.data, i * per));
  return {
    classes,
    channels,
    size: height,
    count: items.length,
    data,
    labels: Int32Array.from(items, (it) => it.label),
    groups: items.map((it) => it.group ?? it.volume),
    sources: items.map((it) => ({ path: it.volume })),
  };
}

/** Options of the natural-image task. */
export interface NaturalTaskOptions {
  /** Images (classes): the first ones of the folder, sorted by name. @default 60 */
  classes?: number;
  /** Crops per image and epoch for training (test: the same number, fixed). @default 40 */
  perClass?: number;
  /** Crop edge in pixels (the network input). @default 32 */
  pixels?: number;
  /** Share of each image's columns (from the right) that test crops come from; training crops never touch them. @default 0.25 */
  testShare?: number;
}

/** The stand-in for natural-image pretraining: crops of `classes` images, each image one class. */
export interface NaturalTask {
  classes: string[];
  /** Training crops of epoch `epoch` (seeded by seed and epoch). */
  trainSet(epoch: number): ImageSet;
  /** Fixed test crops from the held-apart right-hand strip of every image. */
  test: ImageSet;
}

/**
 * Natural-image patch classification (a CIFAR-like stand-in): class k is image k of `dir`;
 * training crops (RGB, [0, 1]) come from the left (1 - testShare) of its columns, test crops from
 * the rest, so no test pixel is ever trained on.
 */
export async function naturalTask(dir: string, o: NaturalTaskOptions = {}, seed = 0): Promise<NaturalTask> {
  const K = o.classes ?? 60;
  const per = o.perClass ?? 40;
  const P = o.pixels ?? 32;
  const share = o.testShare ?? 0.25;
  if (!(share > 0 && share < 1)) throw new OptionError('testShare', `must be in (0, 1), got ${share}`);
  const files = (await imageSetFiles(dir)).filter((f) => !/\.nii(\.gz)?$/i.test(f));
  if (files.length < K) throw new InputError(dir, `holds ${files.length} images, ${K} classes asked for`);
  const images: { img: Awaited<ReturnType<typeof loadImage>>; split: number; file: string }[] = [];
  for (const f of files.slice(0, K)) {
    const img = await loadImage(f, { channels: 'keep' });
    const rgb = img.channels >= 3 ? { ...img, channels: 3, data: img.data.slice(0, 3 * img.height * img.width) } : { ...img, channels: 3, data: Float32Array.from({ length: 3 * img.height * img.width }, (_, i) => img.data[i % (img.height * img.width)]) };
    const split = Math.floor(rgb.width * (1 - share));
    if (split < P || rgb.width - split < P || rgb.height < P) throw new InputError(f, `is ${rgb.width}x${rgb.height}, too small for ${P}-pixel crops on both sides of the test strip`);
    images.push({ img: rgb, split, file: f });
  }
  const classes = images.map((m) => m.file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, ''));
  const crop = (k: number, x0: number, y0: number): Float32Array => {
    const { img } = images[k];
    const out = new Float32Array(3 * P * P);
    for (let c = 0; c < 3; c++) for (let r = 0; r < P; r++) for (let q = 0; q < P; q++) out[(c * P + r) * P + q] = img.data[(c * img.height + y0 + r) * img.width + x0 + q];
    return out;
  };
  const pack = (side: 'train' | 'test', rng: Rng): ImageSet => {
    const data = new Float32Array(K * per * 3 * P * P);
    const labels = new Int32Array(K * per);
    images.forEach((m, k) => {
      const [lo, hi] = side === 'train' ? [0, m.split - P] : [m.split, m.img.width - P];
      for (let j = 0; j < per; j++) {
        data.set(crop(k, lo + rng.int(hi - lo + 1), rng.int(m.img.height - P + 1)), (k * per + j) * 3 * P * P);
        labels[k * per + j] = k;
      }
    });
    return { classes, channels: 3, size: P, count: K * per, data, labels, groups: Array.from(labels, (l) => classes[l]), sources: Array.from(labels, (l) => ({ path: images[l].file })) };
  };
  return { classes, trainSet: (epoch) => pack('train', Rng.derive(seed, 1, epoch)), test: pack('test', Rng.derive(seed, 2)) };
}
