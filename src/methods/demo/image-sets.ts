// The demo's 2-D data, built from scikit-image's sample images: a class-per-folder set of texture
// and micrograph blocks (metric learning, unknown detection), and texture mosaics with known region
// maps plus photographs (unsupervised segmentation). The only generated part is the mosaics'
// layout: a seeded Voronoi partition whose cells are filled with real textures.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readImage, toGrey, writePng, type Image2D } from '../../io/index.js';
import { Rng } from '../../data/rng.js';
import { embeddedFile, DEFAULT_ROOTS, type EmbeddedRoots } from './embedded-sources.js';

/** Texture and micrograph classes of the metric-learning part (scikit-image sample file stems). */
export const TEXTURE_CLASSES = ['brick', 'cell', 'grass', 'gravel'] as const;

/** Photographs segmented for the gallery (no ground truth). */
export const PHOTOS = ['astronaut', 'coffee', 'chelsea'] as const;

async function greyOf(name: string, roots: EmbeddedRoots): Promise<Image2D> {
  const img = await readImage(embeddedFile('skimage', `${name}.png`, roots));
  return img.channels === 1 ? img : toGrey(img);
}

/** The w×h block of a grey image at (x, y), shrunk by `factor` (area mean). */
export function cropShrink(img: Image2D, x: number, y: number, w: number, h: number, factor = 1): Image2D {
  const ow = Math.floor(w / factor);
  const oh = Math.floor(h / factor);
  const data = new Uint8Array(ow * oh);
  for (let j = 0; j < oh; j++) {
    for (let i = 0; i < ow; i++) {
      let s = 0;
      for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) s += img.data[(y + j * factor + dy) * img.width + x + i * factor + dx];
      data[j * ow + i] = Math.round(s / (factor * factor));
    }
  }
  return { width: ow, height: oh, channels: 1, bitDepth: 8, data };
}

/** Options of `writeTextureClasses`. */
export interface TextureClassOptions {
  /** Edge of each block file in source pixels. @default 128 */
  block: number;
  /** Blocks per row and column taken from the top-left of each image (files 0..n²-1, row-major). @default 4 */
  grid: number;
  roots: EmbeddedRoots;
}

/**
 * One folder per class, each holding grid² non-overlapping blocks of its image as `NN.png`,
 * numbered row-major, so a split by file number is a split by position in the image.
 */
export async function writeTextureClasses(dir: string, options: Partial<TextureClassOptions> = {}): Promise<{ classes: string[]; files: number }> {
  const block = options.block ?? 128;
  const grid = options.grid ?? 4;
  const roots = options.roots ?? DEFAULT_ROOTS;
  for (const name of TEXTURE_CLASSES) {
    const img = await greyOf(name, roots);
    const folder = join(dir, name);
    mkdirSync(folder, { recursive: true });
    for (let r = 0; r < grid; r++) {
      for (let c = 0; c < grid; c++) {
        await writePng(join(folder, `${String(r * grid + c).padStart(2, '0')}.png`), cropShrink(img, c * block, r * block, block, block));
      }
    }
  }
  return { classes: [...TEXTURE_CLASSES], files: grid * grid };
}

/** Options of `writeMosaics`. */
export interface MosaicOptions {
  /** Mosaics written. @default 2 */
  count: number;
  /** Side of each mosaic in px. @default 128 */
  size: number;
  /** Source pixels per mosaic pixel. @default 2 */
  shrink: number;
  seed: number;
  roots: EmbeddedRoots;
}

/**
 * Texture mosaics `mosaic-K.png` in `imageDir` and their region maps `mosaic-K_0.png` (labels
 * 1..4, BSDS500 ground-truth layout) in `gtDir`: a seeded Voronoi partition into one cell per
 * texture, each cell filled with that texture's pixels.
 */
export async function writeMosaics(imageDir: string, gtDir: string, options: Partial<MosaicOptions> = {}): Promise<string[]> {
  const count = options.count ?? 2;
  const size = options.size ?? 128;
  const shrink = options.shrink ?? 2;
  const roots = options.roots ?? DEFAULT_ROOTS;
  const textures = await Promise.all(['brick', 'grass', 'gravel', 'cell'].map(async (n) => cropShrink(await greyOf(n, roots), 0, 0, size * shrink, size * shrink, shrink)));
  mkdirSync(imageDir, { recursive: true });
  mkdirSync(gtDir, { recursive: true });
  const names: string[] = [];
  for (let k = 0; k < count; k++) {
    const rng = Rng.derive(options.seed ?? 0, k, 0x6d6f);
    // one seed per texture, kept away from the border so every cell is large
    const seeds = textures.map(() => [size * (0.15 + 0.7 * rng.next()), size * (0.15 + 0.7 * rng.next())]);
    const img = new Uint8Array(size * size);
    const gt = new Uint8Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let best = 0;
        let bestD = Infinity;
        seeds.forEach(([sx, sy], t) => {
          const d = (x - sx) ** 2 + (y - sy) ** 2;
          if (d < bestD) [best, bestD] = [t, d];
        });
        img[y * size + x] = textures[best].data[y * size + x];
        gt[y * size + x] = best + 1;
      }
    }
    const name = `mosaic-${k + 1}`;
    await writePng(join(imageDir, `${name}.png`), { width: size, height: size, channels: 1, bitDepth: 8, data: img });
    await writePng(join(gtDir, `${name}_0.png`), { width: size, height: size, channels: 1, bitDepth: 8, data: gt });
    names.push(name);
  }
  return names;
}

/** The photographs, shrunk by an integer factor so the longest side is at most `maxSide`, as RGB PNGs. */
export async function writePhotos(dir: string, maxSide = 160, roots: EmbeddedRoots = DEFAULT_ROOTS): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  for (const name of PHOTOS) {
    const img = await readImage(embeddedFile('skimage', `${name}.png`, roots));
    const f = Math.max(1, Math.ceil(Math.max(img.width, img.height) / maxSide));
    const w = Math.floor(img.width / f);
    const h = Math.floor(img.height / f);
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += img.data[((y * f + dy) * img.width + x * f + dx) * img.channels + Math.min(c, img.channels - 1)];
          data[(y * w + x) * 3 + c] = Math.round(s / (f * f));
        }
      }
    }
    await writePng(join(dir, `${name}.png`), { width: w, height: h, channels: 3, bitDepth: 8, data });
  }
  return [...PHOTOS];
}
