// Write 8- or 16-bit grey/grey+alpha/RGB/RGBA PNG through sharp, atomically.
import sharp from 'sharp';
import { OptionError } from '../util/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import type { Image2D } from './types.js';

/** Options of `writePng`. */
export interface WritePngOptions {
  /** zlib compression level 0 (none, fast) to 9 (smallest). @default 6 */
  compressionLevel?: number;
}

/** Check an image's fields agree with its data; throws OptionError naming the field. */
export function checkImage(img: Image2D): void {
  if (!Number.isInteger(img.width) || img.width < 1) throw new OptionError('image.width', `must be a positive integer, got ${img.width}`);
  if (!Number.isInteger(img.height) || img.height < 1) throw new OptionError('image.height', `must be a positive integer, got ${img.height}`);
  if (![1, 2, 3, 4].includes(img.channels)) throw new OptionError('image.channels', `must be 1, 2, 3 or 4, got ${img.channels}`);
  if (img.bitDepth === 8 && !(img.data instanceof Uint8Array)) throw new OptionError('image.data', 'must be a Uint8Array for bitDepth 8');
  if (img.bitDepth === 16 && !(img.data instanceof Uint16Array)) throw new OptionError('image.data', 'must be a Uint16Array for bitDepth 16');
  if (img.bitDepth !== 8 && img.bitDepth !== 16) throw new OptionError('image.bitDepth', `must be 8 or 16, got ${img.bitDepth}`);
  const need = img.width * img.height * img.channels;
  if (img.data.length !== need) throw new OptionError('image.data', `has ${img.data.length} samples, width*height*channels is ${need}`);
}

/** Encode an image as PNG bytes (values written as they are: no colour conversion). */
export async function encodePng(img: Image2D, options: WritePngOptions = {}): Promise<Buffer> {
  checkImage(img);
  const level = options.compressionLevel ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new OptionError('compressionLevel', `must be an integer 0-9, got ${level}`);
  const grey = img.channels <= 2;
  // sharp reads a Uint16Array raw input as 16-bit samples; the colourspace picks the PNG colour type.
  const space = img.bitDepth === 16 ? (grey ? 'grey16' : 'rgb16') : grey ? 'b-w' : 'srgb';
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } })
    .toColourspace(space)
    .png({ compressionLevel: level, palette: false })
    .toBuffer();
}

/** Write `img` to `path` as PNG; a temporary file in the same folder is renamed into place. */
export async function writePng(path: string, img: Image2D, options: WritePngOptions = {}): Promise<void> {
  await writeFileAtomic(path, await encodePng(img, options));
}
