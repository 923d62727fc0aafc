// Image/mask pairs for supervised segmentation: paired by file stem, every mask read once and
// checked to hold only class indices (after --mask-values), intensity statistics of the training
// images, and the decoded, normalised pairs the evaluation uses.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_EXTENSIONS, fileStem, loadImage, loadMask, pairedFolderDataset, type ImageTensorLike, type LoadImageOptions, type PairItem } from '../../data/index.js';
import { InputError, OptionError } from '../../util/errors.js';
import { checkMaskClasses, type MaskValues } from './mask-values.js';

/** How the pairs are read. */
export interface SegReadOptions {
  /** Mask value mapping. @default 'none' */
  maskValues?: MaskValues;
  /** Number of classes (2 = binary). @default 2 */
  classes?: number;
  /** 'grey' or 'keep' (the file's channels). @default 'grey' */
  channels?: LoadImageOptions['channels'];
}

/** Pixel normalisation: (v − mean) / std with the training images' statistics, or each image's own. */
export interface PixelNorm {
  mode: 'dataset' | 'image';
  mean: number;
  std: number;
}

/** A decoded pair: normalised image [C,H,W] and class-index mask [1,H,W]. */
export interface SegSample {
  stem: string;
  image: ImageTensorLike;
  mask: ImageTensorLike;
}

/** Images and masks paired by stem (sizes checked: a mask of another size is an InputError naming it). */
export async function segmentationPairs(images: string, masks: string, maskSuffix = ''): Promise<PairItem[]> {
  return pairedFolderDataset(images, masks, { maskSuffix });
}

/** A mask as class indices; an unlisted or out-of-range value is an InputError naming the file. */
export async function readMask(path: string, o: SegReadOptions = {}): Promise<ImageTensorLike> {
  let m: ImageTensorLike;
  try {
    m = await loadMask(path, { values: o.maskValues ?? 'none' });
  } catch (e) {
    if (e instanceof OptionError && e.option === 'values') {
      const v = /holds the value (\S+),/.exec(e.message)?.[1] ?? '?';
      throw new InputError(path, `mask holds the value ${v}, which --mask-values does not list`);
    }
    throw e;
  }
  checkMaskClasses(path, m.data, o.classes ?? 2);
  return m;
}

/** Reads every mask once (checking its values) and returns the pixel count of each class per pair. */
export async function scanMasks(pairs: readonly PairItem[], o: SegReadOptions = {}): Promise<number[][]> {
  const k = o.classes ?? 2;
  const out: number[][] = [];
  for (const p of pairs) {
    const m = await readMask(p.mask, o);
    const counts = new Array<number>(k).fill(0);
    for (const v of m.data) counts[v]++;
    out.push(counts);
  }
  return out;
}

/** Mean and standard deviation of every pixel of the images (all channels pooled). */
export async function pixelStats(paths: readonly string[], channels: LoadImageOptions['channels'] = 'grey'): Promise<{ mean: number; std: number }> {
  let n = 0;
  let s = 0;
  let ss = 0;
  for (const p of paths) {
    const img = await loadImage(p, { channels });
    for (const v of img.data) {
      s += v;
      ss += v * v;
    }
    n += img.data.length;
  }
  const mean = s / n;
  return { mean, std: Math.sqrt(Math.max(ss / n - mean * mean, 1e-12)) };
}

/** The image normalised as the network expects. */
export function normalizeImage(img: ImageTensorLike, norm: PixelNorm): ImageTensorLike {
  let { mean, std } = norm;
  if (norm.mode === 'image') {
    let s = 0;
    let ss = 0;
    for (const v of img.data) {
      s += v;
      ss += v * v;
    }
    mean = s / img.data.length;
    std = Math.sqrt(Math.max(ss / img.data.length - mean * mean, 1e-12));
  }
  const d = new Float32Array(img.data.length);
  for (let i = 0; i < d.length; i++) d[i] = (img.data[i] - mean) / std;
  return { ...img, data: d };
}

/** Decodes pairs: raw image in [0, 1] (not normalised) and checked mask. */
export async function readSamples(pairs: readonly PairItem[], o: SegReadOptions = {}): Promise<SegSample[]> {
  const out: SegSample[] = [];
  for (const p of pairs) {
    const [image, mask] = await Promise.all([loadImage(p.image, { channels: o.channels ?? 'grey' }), readMask(p.mask, o)]);
    out.push({ stem: p.stem, image, mask });
  }
  return out;
}

/** An image file, or the images of a folder in name order; InputError when there are none. */
export function imageFiles(path: string): string[] {
  if (!existsSync(path)) throw new InputError(path, 'no such file or folder');
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((f) => !f.startsWith('.') && IMAGE_EXTENSIONS.some((e) => f.toLowerCase().endsWith(e)))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new InputError(path, `holds no images (${IMAGE_EXTENSIONS.join(', ')})`);
  return files;
}

/** The mask of each image in `masksDir` (stem + suffix); InputError naming an image without one. */
export function masksFor(images: readonly string[], masksDir: string, suffix = ''): string[] {
  const byStem = new Map(imageFiles(masksDir).map((f) => [fileStem(f), f]));
  return images.map((img) => {
    const m = byStem.get(fileStem(img) + suffix);
    if (m === undefined) throw new InputError(img, `has no mask named ${fileStem(img)}${suffix}.* in ${masksDir}`);
    return m;
  });
}

/** InputError naming the mask when its size differs from its image's. */
export function checkSameSize(image: ImageTensorLike, imagePath: string, mask: ImageTensorLike, maskPath: string): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new InputError(maskPath, `mask is ${mask.width}x${mask.height} but its image ${imagePath} is ${image.width}x${image.height}`);
  }
}
