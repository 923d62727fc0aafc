// An in-memory labelled image set of one fixed size, from a class-per-folder tree of 2-D images or
// NIfTI volumes (then slices in a chosen range of one anatomical plane), intensity-normalised per
// image or per volume, padded to a square and resized. Every item remembers its group (the file
// it came from: a subject for volumes), so splits keep a subject's slices together.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tensor, type Tensor } from '../engine/index.js';
import { readNifti, type Volume } from '../io/index.js';
import { InputError, OptionError } from '../util/errors.js';
import { classFolderDataset, fileStem, IMAGE_EXTENSIONS } from './folder-datasets.js';
import { loadImage } from './image-load.js';
import { minMaxScale, percentileScale, zScore } from './normalize.js';
import { padToSquare, resizePlanes } from './resize.js';
import { flipPlanes } from './transforms/flip-rotate.js';
import { augment, type RandomTransform } from './transforms/transform.js';
import type { Rng } from './rng.js';
import type { ImageTensorLike } from './types.js';
import { sliceVolume, type Axis } from './volume-slices.js';

export const VOLUME_FILE_EXTENSIONS: readonly string[] = ['.nii', '.nii.gz'];
export const PLANES = ['axial', 'coronal', 'sagittal'] as const;
export type Plane = (typeof PLANES)[number];
export const NORMALIZATIONS = ['percentile', 'zscore', 'minmax', 'none'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

/** Options of `loadImageSet`. */
export interface ImageSetOptions {
  /** Side of the square images after padding and resizing. @default 128 */
  size?: number;
  /** 2-D images: 'grey' (one channel) or 'keep' (the file's channels, alpha dropped). @default 'grey' */
  channels?: 'grey' | 'keep';
  /** Volumes: the plane of the slices, after reorientation to RAS+. @default 'axial' */
  plane?: Plane;
  /** Volumes: slices kept, as fractions [from, to] of the axis (0 = right / posterior / inferior end). @default [0.4, 0.6] */
  sliceRange?: readonly [number, number];
  /** Volumes: every k-th slice of the range. @default 1 */
  sliceStep?: number;
  /**
   * Volumes (2.5-D input): each item's channels are the 2K+1 slices i − K·step … i + K·step around
   * its slice i (channel k = slice i + (k − K)·step), indices clamped to the volume's first and last
   * slice; 0 = the slice alone. @default 0
   */
  context?: number;
  /**
   * Per image (2-D) or per volume: 'percentile' clips to the 1st..99th percentile of the non-zero
   * values and scales to [0, 1]; 'zscore' over non-zero values; 'minmax' to [0, 1]; 'none'.
   * @default 'percentile'
   */
  normalize?: Normalization;
  /** Class folders to use, in this order. @default every sub-folder, sorted */
  classes?: readonly string[];
}

/** What one item is: its file, and the slice index for volumes. */
export interface ImageSetSource {
  path: string;
  slice?: number;
}

/** Images [N,C,S,S] in one buffer with labels and groups. */
export interface ImageSet {
  classes: string[];
  channels: number;
  size: number;
  count: number;
  /** Item i's planes start at i * channels * size * size. */
  data: Float32Array;
  labels: Int32Array;
  /** Group of each item (the file stem: one subject per volume). */
  groups: string[];
  sources: ImageSetSource[];
}

const AXIS: Record<Plane, Axis> = { sagittal: 0, coronal: 1, axial: 2 };

/** Slice indices of a range given as fractions of an axis of n voxels. */
export function sliceRangeIndices(n: number, range: readonly [number, number], step = 1): number[] {
  const [a, b] = range;
  if (!(a >= 0 && b <= 1 && a <= b)) throw new OptionError('--slices', `must be two fractions 0 <= from <= to <= 1, got ${a}:${b}`);
  if (!(Number.isInteger(step) && step >= 1)) throw new OptionError('--slice-step', `must be a positive integer, got ${step}`);
  const lo = Math.round(a * (n - 1));
  const hi = Math.round(b * (n - 1));
  const out: number[] = [];
  for (let i = lo; i <= hi; i += step) out.push(i);
  return out;
}

function normalizeData(data: Float32Array, how: Normalization): Float32Array {
  switch (how) {
    case 'percentile':
      return percentileScale(data, { low: 1, high: 99, ignoreZeros: true });
    case 'zscore':
      return zScore(data, { ignoreZeros: true });
    case 'minmax':
      return minMaxScale(data);
    case 'none':
      return data;
    default:
      throw new OptionError('--normalize', `must be one of ${NORMALIZATIONS.join(', ')}, got ${String(how)}`);
  }
}

/** Square, resized planes; `up` = higher world coordinate shown at the top (slices are flipped). */
function finish(img: ImageTensorLike, size: number, flipRows: boolean): ImageTensorLike {
  const oriented = flipRows ? flipPlanes(img, false, true) : img;
  return resizePlanes(padToSquare(oriented, 0), size, size);
}

/** The `context` option checked: a non-negative integer. */
export function contextOf(o: Pick<ImageSetOptions, 'context'>): number {
  const k = o.context ?? 0;
  if (!(Number.isInteger(k) && k >= 0)) throw new OptionError('--context', `must be a non-negative integer, got ${String(k)}`);
  return k;
}

/**
 * Slice indices of the 2K+1 channels around slice i: i + (k − K)·step for k = 0..2K, clamped to
 * [0, n − 1] (an edge slice repeats itself where the volume ends).
 */
export function contextSlices(i: number, n: number, context: number, step: number): number[] {
  return Array.from({ length: 2 * context + 1 }, (_, k) => Math.min(n - 1, Math.max(0, i + (k - context) * step)));
}

/** Slices of one volume (normalised over the whole volume first); with `context`, 2K+1 slices per item as channels. */
export function volumeImages(vol: Volume, o: ImageSetOptions = {}): { slice: number; image: ImageTensorLike }[] {
  const plane = o.plane ?? 'axial';
  const axis = AXIS[plane];
  if (axis === undefined) throw new OptionError('--plane', `must be one of ${PLANES.join(', ')}, got ${String(plane)}`);
  const context = contextOf(o);
  const step = o.sliceStep ?? 1;
  const norm: Volume = { ...vol, data: normalizeData(vol.data, o.normalize ?? 'percentile') };
  const n = vol.shape[axis];
  return sliceRangeIndices(n, o.sliceRange ?? [0.4, 0.6], step).map((slice) => {
    const planes = contextSlices(slice, n, context, step).map((j) => sliceVolume(norm, axis, j));
    const { height, width } = planes[0];
    const data = new Float32Array(planes.length * height * width);
    planes.forEach((p, k) => data.set(p.data, k * height * width)); // [2K+1,H,W]
    return { slice, image: finish({ data, channels: planes.length, height, width }, o.size ?? 128, true) };
  });
}

/** A decoded 2-D image normalised per channel, padded square and resized as loadImageSet does. */
export function prepareImage(img: ImageTensorLike, o: ImageSetOptions = {}): ImageTensorLike {
  const n = img.height * img.width;
  const data = new Float32Array(img.data.length);
  for (let c = 0; c < img.channels; c++) data.set(normalizeData(img.data.subarray(c * n, (c + 1) * n), o.normalize ?? 'percentile'), c * n);
  return finish({ ...img, data }, o.size ?? 128, false);
}

/** One 2-D image file, normalised and resized. */
export async function fileImage(path: string, o: ImageSetOptions = {}): Promise<ImageTensorLike> {
  return prepareImage(await loadImage(path, { channels: o.channels ?? 'grey' }), o);
}

const isVolume = (p: string): boolean => VOLUME_FILE_EXTENSIONS.some((e) => p.toLowerCase().endsWith(e));

/** Items of one file: a 2-D image, or the chosen slices of a volume. */
export async function fileItems(path: string, o: ImageSetOptions = {}): Promise<{ slice?: number; image: ImageTensorLike }[]> {
  if (!isVolume(path)) {
    if (contextOf(o) > 0) throw new OptionError('--context', `applies to NIfTI volumes only; ${path} is a 2-D image`);
    return [{ image: await fileImage(path, o) }];
  }
  const vol = await readNifti(path, { canonical: true });
  if (vol.shape[2] < 2) throw new InputError(path, `is a 2-D NIfTI (${vol.shape.join('×')}); slices need a 3-D volume`);
  return volumeImages(vol, o);
}

/** Files of one folder that loadImageSet reads (images and volumes), sorted. */
export async function imageSetFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.') && [...IMAGE_EXTENSIONS, ...VOLUME_FILE_EXTENSIONS].some((e) => n.toLowerCase().endsWith(e))).sort();
  return names.map((n) => join(dir, n));
}

/** Packs items of one size into an ImageSet. */
export function packImageSet(classes: string[], items: { image: ImageTensorLike; label: number; group: string; source: ImageSetSource }[]): ImageSet {
  if (items.length === 0) throw new OptionError('data', 'no images');
  const { channels, height: size } = items[0].image;
  const per = channels * size * size;
  const data = new Float32Array(items.length * per);
  items.forEach((it, i) => {
    if (it.image.channels !== channels) throw new InputError(it.source.path, `has ${it.image.channels} channels, the first image has ${channels}`);
    data.set(it.image.data, i * per);
  });
  return { classes, channels, size, count: items.length, data, labels: Int32Array.from(items.map((i) => i.label)), groups: items.map((i) => i.group), sources: items.map((i) => i.source) };
}

/** Reads `root/<class>/*` (2-D images or NIfTI volumes) into one ImageSet. */
export async function loadImageSet(root: string, o: ImageSetOptions = {}): Promise<ImageSet> {
  const ds = await classFolderDataset(root, { extensions: [...IMAGE_EXTENSIONS, ...VOLUME_FILE_EXTENSIONS], classes: o.classes });
  const items: Parameters<typeof packImageSet>[1] = [];
  for (const it of ds.items) {
    for (const { slice, image } of await fileItems(it.path, o)) {
      items.push({ image, label: it.label, group: `${it.className}/${fileStem(it.path)}`, source: slice === undefined ? { path: it.path } : { path: it.path, slice } });
    }
  }
  return packImageSet(ds.classes, items);
}

/** Items `indices` of a set, in that order. */
export function subsetImageSet(set: ImageSet, indices: readonly number[]): ImageSet {
  const per = set.channels * set.size * set.size;
  const data = new Float32Array(indices.length * per);
  indices.forEach((i, k) => data.set(set.data.subarray(i * per, (i + 1) * per), k * per));
  return {
    ...set,
    count: indices.length,
    data,
    labels: Int32Array.from(indices.map((i) => set.labels[i])),
    groups: indices.map((i) => set.groups[i]),
    sources: indices.map((i) => set.sources[i]),
  };
}

/** Item i as planes (a view, not a copy). */
export function imageAt(set: ImageSet, i: number): ImageTensorLike {
  const per = set.channels * set.size * set.size;
  return { data: set.data.subarray(i * per, (i + 1) * per), channels: set.channels, height: set.size, width: set.size };
}

/** Options of `imageSetBatch`. */
export interface ImageSetBatchOptions {
  /** Random transform per item, drawn from `rngFor(k)` (k = position in the batch). @default none */
  transform?: RandomTransform<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  rngFor?: (k: number) => Rng;
  /** Affine intensity map applied after augmentation: (v − mean) / std. @default { mean: 0, std: 1 } */
  norm?: { mean: number; std: number };
  /** @default 'cpu' */
  device?: string;
}

/** Items `indices` as one [B,C,S,S] float tensor (augmented per item when a transform is given). */
export function imageSetBatch(set: ImageSet, indices: readonly number[], o: ImageSetBatchOptions = {}): Tensor {
  const per = set.channels * set.size * set.size;
  const out = new Float32Array(indices.length * per);
  const mean = o.norm?.mean ?? 0;
  const k = 1 / (o.norm?.std ?? 1);
  indices.forEach((i, b) => {
    let d = imageAt(set, i).data;
    if (o.transform) {
      if (!o.rngFor) throw new OptionError('rngFor', 'a transform needs a random stream per item');
      d = augment(o.transform, { image: { ...imageAt(set, i), data: Float32Array.from(d) } }, o.rngFor(b)).sample.image.data;
    }
    for (let p = 0; p < per; p++) out[b * per + p] = (d[p] - mean) * k;
  });
  return tensor(out, { shape: [indices.length, set.channels, set.size, set.size], device: o.device ?? 'cpu' });
}
