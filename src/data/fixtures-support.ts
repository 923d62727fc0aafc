// Helpers shared by the data tests: temporary folders, tiny PNG files, synthetic volumes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { ImageTensorLike } from './types.js';
import type { Volume } from '../io/index.js';

/** A fresh temporary folder, and a function removing it. */
export async function tempDir(): Promise<{ dir: string; done: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-data-'));
  return { dir, done: () => rm(dir, { recursive: true, force: true }) };
}

/** Write a w x h grey 8-bit PNG whose pixel (x, y) is fill(x, y), creating folders. */
export async function writeGreyPng(path: string, w: number, h: number, fill: (x: number, y: number) => number = () => 0): Promise<void> {
  const px = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = fill(x, y);
  await mkdir(dirname(path), { recursive: true });
  await sharp(px, { raw: { width: w, height: h, channels: 1 } }).png().toFile(path);
}

/** Create an empty file (not an image), creating folders. */
export async function touch(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, '');
}

/** Planes whose sample (c, y, x) is f(c, y, x). */
export function planes(channels: number, height: number, width: number, f: (c: number, y: number, x: number) => number): ImageTensorLike {
  const data = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = f(c, y, x);
  return { data, channels, height, width };
}

/** Sample (c, y, x) of planes. */
export function at(img: ImageTensorLike, c: number, y: number, x: number): number {
  return img.data[(c * img.height + y) * img.width + x];
}

/** A volume of the given shape and spacing whose voxel (x, y, z) is f(x, y, z). */
export function syntheticVolume(
  shape: [number, number, number],
  f: (x: number, y: number, z: number) => number,
  spacing: [number, number, number] = [1, 1, 1],
): Volume {
  const [X, Y, Z] = shape;
  const data = new Float32Array(X * Y * Z);
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) data[x + X * (y + Y * z)] = f(x, y, z);
  const affine = [
    [spacing[0], 0, 0, 0],
    [0, spacing[1], 0, 0],
    [0, 0, spacing[2], 0],
    [0, 0, 0, 1],
  ];
  return { shape, spacing, affine, data };
}
