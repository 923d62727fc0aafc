// Ready-made item sources for the DataLoader: labelled image files, image/mask pairs, labelled tiles.
import { readNifti, type Volume } from '../io/index.js';
import { OptionError } from '../util/errors.js';
import { loadImage, loadMask, type LoadImageOptions, type LoadMaskOptions } from './image-load.js';
import type { ItemSource, LoadContext } from './loader.js';
import { PromiseCache } from './promise-cache.js';
import { Rng } from './rng.js';
import { cropImage } from './tiling.js';
import { sliceVolume, type Axis } from './volume-slices.js';
import { augment, type RandomTransform } from './transforms/index.js';
import type { ImageTensorLike, PairItem, Sample, Tile } from './types.js';

/** Options shared by the sources. */
export interface SourceOptions {
  /** How images are decoded (channels, scale, crop). @default grey, scaled to [0, 1] */
  image?: LoadImageOptions;
  /** Run on each decoded image before augmentation, e.g. a normalisation. @default none */
  prepare?: (img: ImageTensorLike) => ImageTensorLike;
  /** Random transform applied with the loader's per-item stream. @default none */
  transform?: RandomTransform<any>;
}

function finish(sample: Sample, o: SourceOptions, rng: Rng): Sample {
  const s = o.prepare ? { ...sample, image: o.prepare(sample.image) } : sample;
  return o.transform ? augment(o.transform, s, rng).sample : s;
}

/** Image files with class labels, e.g. the items of `classFolderDataset`. */
export function labelledImageSource(items: readonly { path: string; label: number }[], options: SourceOptions = {}): ItemSource {
  return {
    size: items.length,
    labelOf: (i) => items[i].label,
    async load(i: number, ctx: LoadContext): Promise<Sample> {
      const image = await loadImage(items[i].path, options.image);
      return finish({ image, label: items[i].label }, options, ctx.rng);
    },
  };
}

/** Image/mask pairs, e.g. from `pairedFolderDataset`; the mask gets the image's crop. */
export function pairSource(pairs: readonly PairItem[], options: SourceOptions & { mask?: LoadMaskOptions } = {}): ItemSource {
  return {
    size: pairs.length,
    async load(i: number, ctx: LoadContext): Promise<Sample> {
      const crop = options.image?.crop;
      const [image, mask] = await Promise.all([loadImage(pairs[i].image, options.image), loadMask(pairs[i].mask, { crop, ...options.mask })]);
      return finish({ image, mask }, options, ctx.rng);
    },
  };
}

/** Options of `tileSource`. */
export interface TileSourceOptions extends SourceOptions {
  /** Decoded source images kept in memory, most recently used first (tiles of one image share a decode). @default 16 */
  cacheSize?: number;
}

/** Tiles (from `tileFiles`, each with a path) with the label of their source image. */
export function tileSource(tiles: readonly Tile[], labelOfSource: (source: number) => number, options: TileSourceOptions = {}): ItemSource {
  const cache = new PromiseCache<ImageTensorLike>(options.cacheSize ?? 16);
  const decode = (path: string): Promise<ImageTensorLike> => cache.get(path, () => loadImage(path, { ...options.image, crop: undefined }));
  return {
    size: tiles.length,
    labelOf: (i) => labelOfSource(tiles[i].source),
    async load(i: number, ctx: LoadContext): Promise<Sample> {
      const t = tiles[i];
      if (!t.path) throw new OptionError('tiles', `tile ${i} has no path (make tiles with tileFiles)`);
      const image = cropImage(await decode(t.path), t);
      return finish({ image, label: labelOfSource(t.source) }, options, ctx.rng);
    },
  };
}

/** One slice of a volume file, with a class label (e.g. the subject's group). */
export interface SliceItem {
  path: string;
  axis: Axis;
  index: number;
  label?: number;
}

/** Options of `volumeSliceSource`. */
export interface VolumeSliceSourceOptions extends Omit<SourceOptions, 'image'> {
  /** Reorient volumes to RAS+ before slicing. @default false */
  canonical?: boolean;
  /** Volumes kept in memory, most recently used first. @default 4 */
  cacheSize?: number;
}

/** Slices of NIfTI volumes (pick them with `sliceIndices`); each volume is read once while cached. */
export function volumeSliceSource(items: readonly SliceItem[], options: VolumeSliceSourceOptions = {}): ItemSource {
  const cache = new PromiseCache<Volume>(options.cacheSize ?? 4);
  return {
    size: items.length,
    labelOf: (i) => items[i].label ?? 0,
    async load(i: number, ctx: LoadContext): Promise<Sample> {
      const it = items[i];
      const vol = await cache.get(it.path, () => readNifti(it.path, { canonical: options.canonical ?? false }));
      const s: Sample = { image: sliceVolume(vol, it.axis, it.index) };
      if (it.label !== undefined) s.label = it.label;
      return finish(s, options, ctx.rng);
    },
  };
}
