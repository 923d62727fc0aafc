// Tiling of 2-D images: a crop box, a grid of tiles by size and stride, and tile values mapped back to the image.
import { readImageHeader } from '../io/index.js';
import { OptionError } from '../util/errors.js';
import { mapLimit } from './async-pool.js';
import type { Box, ImageTensorLike, Tile } from './types.js';

/** Options of `tileGrid`, `tileSources` and `tileFiles`. */
export interface TileOptions {
  /** Tile edge in pixels, or its width and height. @default 256 */
  tileSize?: number | { width: number; height: number };
  /** Step between tile origins, in pixels (< tileSize overlaps). @default tileSize */
  stride?: number | { x: number; y: number };
  /**
   * Only this part of each image is tiled, e.g. `{x: 0, y: 0, width: 1280, height: 894}` drops
   * rows 894-959 of a 1280x960 SEM image (the info bar). @default the whole image
   */
  crop?: Box;
  /**
   * 'drop': only tiles that fit on the stride grid (a remainder at the right/bottom is left out);
   * 'shift': add a last row/column of tiles flush with the far edge so the whole crop is covered.
   * @default 'drop'
   */
  edge?: 'drop' | 'shift';
}

function pair(v: number | { width: number; height: number }, name: string): [number, number] {
  const [w, h] = typeof v === 'number' ? [v, v] : [v.width, v.height];
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) throw new OptionError(name, `must be positive integers, got ${w}x${h}`);
  return [w, h];
}

/** Check a box lies inside a width x height image. */
export function checkBox(box: Box, width: number, height: number, name = 'crop'): void {
  const { x, y, width: w, height: h } = box;
  const ints = [x, y, w, h].every(Number.isInteger);
  if (!ints || x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
    throw new OptionError(name, `box x=${x} y=${y} ${w}x${h} does not fit inside the ${width}x${height} image`);
  }
}

function starts(len: number, tile: number, stride: number, edge: 'drop' | 'shift'): number[] {
  const out: number[] = [];
  for (let s = 0; s + tile <= len; s += stride) out.push(s);
  if (edge === 'shift' && out.length > 0 && out[out.length - 1] + tile < len) out.push(len - tile);
  return out;
}

/** Tiles of one width x height image (source 0), row by row, in image coordinates. */
export function tileGrid(width: number, height: number, options: TileOptions = {}): Tile[] {
  const [tw, th] = pair(options.tileSize ?? 256, 'tileSize');
  const st = options.stride ?? { x: tw, y: th };
  const [sx, sy] = typeof st === 'number' ? pair(st, 'stride') : pair({ width: st.x, height: st.y }, 'stride');
  const edge = options.edge ?? 'drop';
  if (edge !== 'drop' && edge !== 'shift') throw new OptionError('edge', `must be 'drop' or 'shift', got ${String(edge)}`);
  const crop = options.crop ?? { x: 0, y: 0, width, height };
  checkBox(crop, width, height);
  const xs = starts(crop.width, tw, sx, edge);
  const ys = starts(crop.height, th, sy, edge);
  const tiles: Tile[] = [];
  ys.forEach((y, row) => xs.forEach((x, col) => tiles.push({ source: 0, row, col, x: crop.x + x, y: crop.y + y, width: tw, height: th })));
  return tiles;
}

/** Tiles of several images (sizes in order), each tile naming its source index. */
export function tileSources(sizes: readonly { width: number; height: number }[], options: TileOptions = {}): Tile[] {
  return sizes.flatMap((s, source) => tileGrid(s.width, s.height, options).map((t) => ({ ...t, source })));
}

/** Tiles of image files (sizes read from headers), each tile naming its source index and path. */
export async function tileFiles(paths: readonly string[], options: TileOptions = {}): Promise<Tile[]> {
  const sizes = await mapLimit(paths, 8, (p) => readImageHeader(p));
  return tileSources(sizes, options).map((t) => ({ ...t, path: paths[t.source] }));
}

/** The pixels inside `box`, all channels, as new planes. */
export function cropImage(img: ImageTensorLike, box: Box): ImageTensorLike {
  checkBox(box, img.width, img.height);
  const { x, y, width: w, height: h } = box;
  const out = new Float32Array(img.channels * w * h);
  for (let c = 0; c < img.channels; c++) {
    for (let r = 0; r < h; r++) {
      const src = (c * img.height + y + r) * img.width + x;
      out.set(img.data.subarray(src, src + w), (c * h + r) * w);
    }
  }
  return { data: out, channels: img.channels, height: h, width: w };
}

/**
 * Per-pixel map [H,W] of per-tile values for one source image: each pixel gets the mean value of
 * the tiles covering it, NaN where no tile does (e.g. a cropped-off info bar).
 */
export function tileMap(tiles: readonly Tile[], values: ArrayLike<number>, width: number, height: number): Float32Array {
  if (tiles.length !== values.length) throw new OptionError('values', `${values.length} values for ${tiles.length} tiles`);
  const sum = new Float64Array(width * height);
  const count = new Uint32Array(width * height);
  tiles.forEach((t, i) => {
    checkBox(t, width, height, 'tiles');
    for (let y = t.y; y < t.y + t.height; y++) {
      for (let x = t.x; x < t.x + t.width; x++) {
        sum[y * width + x] += values[i];
        count[y * width + x]++;
      }
    }
  });
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = count[i] ? sum[i] / count[i] : NaN;
  return out;
}

/** Tile indices grouped by source image, in order of first appearance. */
export function tilesBySource(tiles: readonly Tile[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  tiles.forEach((t, i) => {
    const g = m.get(t.source);
    if (g) g.push(i);
    else m.set(t.source, [i]);
  });
  return m;
}
