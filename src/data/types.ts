// Public types of the data layer: images as planes, dataset items, tiles and batches.
import type { Tensor } from '../engine/index.js';

/** A float image or mask as [C,H,W] planes: sample (c, y, x) is at `(c * height + y) * width + x`. */
export interface ImageTensorLike {
  data: Float32Array;
  channels: number;
  height: number;
  width: number;
}

/** An image with an optional mask of the same height and width, as augmentations see it. */
export interface Sample {
  image: ImageTensorLike;
  /** Label map (class indices stored as floats), 1 channel. */
  mask?: ImageTensorLike;
  /** Class index of the whole image. */
  label?: number;
}

/** One image of a class-per-folder dataset. */
export interface ClassItem {
  path: string;
  /** Index into the dataset's `classes`. */
  label: number;
  className: string;
}

/** A class-per-folder dataset: classes sorted by name, items sorted by class then file name. */
export interface ClassFolderDataset {
  root: string;
  classes: string[];
  items: ClassItem[];
}

/** An image and its mask, matched by file stem. */
export interface PairItem {
  stem: string;
  image: string;
  mask: string;
}

/** A volume and its label volume, matched by file stem. */
export interface VolumePairItem {
  stem: string;
  volume: string;
  label: string;
}

/** Pixel rectangle: columns [x, x + width), rows [y, y + height). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A tile of a source image: where it came from, so tile results map back to the image. */
export interface Tile extends Box {
  /** Index of the source image in the list that was tiled. */
  source: number;
  /** Path of the source image, when tiled from files. */
  path?: string;
  /** Tile row and column in the tile grid of its source image. */
  row: number;
  col: number;
}

/** A batch of engine tensors; dispose it (or `using`) when the step is done. */
export interface Batch extends Disposable {
  /** [N,C,H,W] float32. */
  images: Tensor;
  /** [N] int64 class indices, when the samples have labels. */
  labels?: Tensor;
  /** [N,H,W] int64 label maps, when the samples have masks. */
  masks?: Tensor;
  /** Dataset indices of the samples, in batch order. */
  indices: number[];
  dispose(): void;
}
