// Rasters as PNG data URLs for the views' JSON answers (images of files outside the run folders
// travel inside the answer, so the browser never gets a path outside them).
import sharp from 'sharp';
import type { RasterImage } from '../../report/types.js';

/** 8-bit PNG data URL of a raster: floats are taken in [0, 1] (or [lo, hi] when given), bytes as they are. */
export async function pngDataUrl(img: RasterImage, range?: [number, number]): Promise<string> {
  const n = img.width * img.height * img.channels;
  let bytes: Uint8Array;
  if (img.data instanceof Uint8Array || img.data instanceof Uint8ClampedArray) bytes = Uint8Array.from(img.data);
  else {
    const [lo, hi] = range ?? [0, 1];
    const k = hi > lo ? 255 / (hi - lo) : 0;
    bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = Math.max(0, Math.min(255, Math.round((img.data[i] - lo) * k)));
  }
  // the colour space keeps grey images one-channel (sharp would write raw grey as RGB)
  const buf = await sharp(bytes, { raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 } }).toColourspace(img.channels <= 2 ? 'b-w' : 'srgb').png().toBuffer();
  return `data:image/png;base64,${buf.toString('base64')}`;
}
