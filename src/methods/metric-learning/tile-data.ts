// Tiles of class-folder micrographs in memory: each image is decoded (grey), cropped (e.g. the SEM
// info bar off), area-downsampled, and cut into square tiles; tiles remember their source image and
// their box in original pixels, so tile results map back onto the image.
import { tensor, tidy } from '../../engine/index.js';
import { F } from '../../nn/index.js';
import { cropImage, loadImage, tileGrid, type Box, type Tile } from '../../data/index.js';
import { mapLimit } from '../../data/async-pool.js';
import { OptionError } from '../../util/errors.js';

export interface TileDataOptions {
  /** Tile edge in original pixels. @default 128 */
  tileSize?: number;
  /** Step between tiles in original pixels. @default tileSize */
  stride?: number;
  /** Tiles are shrunk by this factor (area average) before the network sees them. @default 4 */
  downsample?: number;
  /** Part of each image to tile, in original pixels. @default the whole image */
  crop?: Box;
}

/** One source image. */
export interface TileImage {
  path: string;
  /** Class index (−1 when unlabelled). */
  label: number;
}

/** Tiles of several images, as [N, 1, t, t] float planes with t = tileSize / downsample. */
export interface TileSet {
  /** [N·t·t] tile pixels, tile i at i·t·t. */
  data: Float32Array;
  /** Edge of a stored tile (after downsampling). */
  size: number;
  count: number;
  /** Source image (index into `images`) of each tile. */
  source: Int32Array;
  /** Class of each tile (its image's label). */
  labels: Int32Array;
  /** Each tile's box in the original image. */
  tiles: Tile[];
  images: TileImage[];
  /** Width and height of each source image (original pixels). */
  imageSizes: { width: number; height: number }[];
}

/** Check tile options and return the downsampled tile edge. */
export function storedTileSize(o: TileDataOptions): number {
  const tile = o.tileSize ?? 128;
  const f = o.downsample ?? 4;
  if (!Number.isInteger(f) || f < 1) throw new OptionError('downsample', `must be a positive integer, got ${f}`);
  if (!Number.isInteger(tile) || tile < f || tile % f !== 0) throw new OptionError('tileSize', `must be a positive multiple of downsample (${f}), got ${tile}`);
  return tile / f;
}

/** Decode, crop, downsample and tile every image (4 decodes at a time). */
export async function loadTileSet(images: readonly TileImage[], o: TileDataOptions = {}): Promise<TileSet> {
  const t = storedTileSize(o);
  const f = o.downsample ?? 4;
  const tile = o.tileSize ?? 128;
  const stride = o.stride ?? tile;
  if (!Number.isInteger(stride) || stride < f || stride % f !== 0) throw new OptionError('stride', `must be a positive multiple of downsample (${f}), got ${stride}`);
  const perImage = await mapLimit(images, 4, async (img) => {
    const full = await loadImage(img.path, { channels: 'grey' });
    const crop = o.crop ?? { x: 0, y: 0, width: full.width, height: full.height };
    const cropped = cropImage(full, crop);
    // Area average over f×f blocks (the crop is trimmed to a multiple of f).
    const w = Math.floor(cropped.width / f);
    const h = Math.floor(cropped.height / f);
    if (w < t || h < t) throw new OptionError('tileSize', `${img.path}: the ${cropped.width}x${cropped.height} crop holds no ${tile}-px tile`);
    const small = tidy(() => {
      const x = tensor(cropped.data, { shape: [1, 1, cropped.height, cropped.width] }).slice(2, 0, h * f).slice(3, 0, w * f);
      return (f === 1 ? x : F.avgPool2d(x, f)).contiguous().data() as Float32Array;
    });
    const grid = tileGrid(w, h, { tileSize: t, stride: stride / f });
    const tiles = grid.map((g) => cropImage({ data: small, channels: 1, height: h, width: w }, g).data);
    const boxes = grid.map((g) => ({ ...g, x: crop.x + g.x * f, y: crop.y + g.y * f, width: tile, height: tile }));
    return { tiles, boxes, size: { width: full.width, height: full.height } };
  });
  const count = perImage.reduce((s, p) => s + p.tiles.length, 0);
  const set: TileSet = { data: new Float32Array(count * t * t), size: t, count, source: new Int32Array(count), labels: new Int32Array(count), tiles: [], images: [...images], imageSizes: [] };
  let k = 0;
  perImage.forEach((p, src) => {
    set.imageSizes.push(p.size);
    p.tiles.forEach((d, j) => {
      set.data.set(d, k * t * t);
      set.source[k] = src;
      set.labels[k] = images[src].label;
      set.tiles.push({ ...p.boxes[j], source: src, path: images[src].path });
      k++;
    });
  });
  return set;
}

/** Tile indices of each image, in image order. */
export function tilesOfImages(set: TileSet): number[][] {
  const out: number[][] = set.images.map(() => []);
  for (let i = 0; i < set.count; i++) out[set.source[i]].push(i);
  return out;
}

/** Mean and standard deviation of all tile pixels (the normalisation stored with a model). */
export function pixelStats(set: TileSet): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (const v of set.data) {
    s += v;
    s2 += v * v;
  }
  const n = set.data.length;
  const mean = s / n;
  return { mean, std: Math.sqrt(Math.max(s2 / n - mean * mean, 1e-12)) };
}

/** Parse "x,y,width,height" or "none". */
export function parseBox(text: string): Box | undefined {
  if (text === 'none' || text === '') return undefined;
  const v = text.split(',').map(Number);
  if (v.length !== 4 || v.some((x) => !Number.isInteger(x) || x < 0) || v[2] < 1 || v[3] < 1) {
    throw new OptionError('crop', `expected x,y,width,height (non-negative integers) or 'none', got '${text}'`);
  }
  return { x: v[0], y: v[1], width: v[2], height: v[3] };
}

/** The tiles of some images of a set, images renumbered in the given order and relabelled by `relabel`. */
export function subsetImages(set: TileSet, imageIdx: readonly number[], relabel: (label: number) => number = (l) => l): TileSet {
  const byImage = tilesOfImages(set);
  const tiles = imageIdx.flatMap((im) => byImage[im]);
  const t2 = set.size * set.size;
  const out: TileSet = {
    data: new Float32Array(tiles.length * t2),
    size: set.size,
    count: tiles.length,
    source: new Int32Array(tiles.length),
    labels: new Int32Array(tiles.length),
    tiles: [],
    images: imageIdx.map((im) => ({ ...set.images[im], label: relabel(set.images[im].label) })),
    imageSizes: imageIdx.map((im) => set.imageSizes[im]),
  };
  const newIndex = new Map(imageIdx.map((im, k) => [im, k]));
  tiles.forEach((i, k) => {
    out.data.set(set.data.subarray(i * t2, (i + 1) * t2), k * t2);
    const src = newIndex.get(set.source[i])!;
    out.source[k] = src;
    out.labels[k] = out.images[src].label;
    out.tiles.push({ ...set.tiles[i], source: src });
  });
  return out;
}
