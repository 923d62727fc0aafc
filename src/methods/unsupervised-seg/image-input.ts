// Image loading for the unsupervised-segmentation methods: RGB planes in [0, 1] at native size or
// resized (reference-mode training uses 224×224), and the image files of a folder (video frames).
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { readImage } from '../../io/index.js';
import type { FloatPlanes, Image2D } from '../../io/types.js';
import { InputError } from '../../util/errors.js';
import { IMAGE_EXTENSIONS } from '../../data/folder-datasets.js';

/** An image read for segmentation: 8-bit RGB bytes (for overlays and baselines) and [0, 1] planes. */
export interface SegmentationInput {
  path: string;
  /** Interleaved RGB, [H, W, 3]. */
  rgb: Uint8Array;
  width: number;
  height: number;
  /** [3, H, W] in [0, 1]. */
  planes: FloatPlanes;
}

/** Reads an image as 8-bit RGB (grey is repeated, alpha dropped, 16-bit scaled down). */
export async function readSegmentationInput(path: string): Promise<SegmentationInput> {
  const img = await readImage(path);
  return fromImage(path, img);
}

/** Reads an image resized to width × height (bilinear), as 8-bit RGB planes. */
export async function readResized(path: string, width: number, height: number): Promise<SegmentationInput> {
  await readImage(path); // the checks and one-line errors of the I/O layer
  const { data } = await sharp(path, { ignoreIcc: true }).removeAlpha().toColourspace('srgb').resize(width, height, { fit: 'fill', kernel: 'linear' }).raw().toBuffer({ resolveWithObject: true });
  if (data.length !== width * height * 3) throw new InputError(path, `resized to ${data.length} bytes, expected ${width}x${height}x3`);
  return fromRgb(path, new Uint8Array(data), width, height);
}

function fromImage(path: string, img: Image2D): SegmentationInput {
  const n = img.width * img.height;
  const rgb = new Uint8Array(n * 3);
  const c = img.channels;
  const shift = img.bitDepth === 16 ? 8 : 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const src = c >= 3 ? k : 0;
      rgb[i * 3 + k] = img.data[i * c + src] >> shift;
    }
  }
  return fromRgb(path, rgb, img.width, img.height);
}

function fromRgb(path: string, rgb: Uint8Array, width: number, height: number): SegmentationInput {
  const n = width * height;
  const planes = new Float32Array(3 * n);
  for (let k = 0; k < 3; k++) for (let i = 0; i < n; i++) planes[k * n + i] = rgb[i * 3 + k] / 255;
  return { path, rgb, width, height, planes: { channels: 3, height, width, data: planes } };
}

/** The PNG/JPEG/TIFF files of a folder in name order (numbers compared as numbers: frame2 < frame10). */
export function listImages(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new InputError(dir, `cannot list folder: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const files = names
    .filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile());
  if (files.length === 0) throw new InputError(dir, 'holds no PNG/JPEG/TIFF image');
  return files;
}

/** One file, or the images of a folder. */
export function imagesOf(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError(path, 'no such file or folder');
  }
  return st.isDirectory() ? listImages(path) : [path];
}
