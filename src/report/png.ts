// PNG encoding of raw pixels through sharp, and data URIs for embedding in SVG/HTML.
import sharp from 'sharp';

/** Options of `encodePng`. */
export interface PngOptions {
  /** Rescale to this display size with nearest-neighbour (crisp pixels). @default no resize */
  resizeTo?: { width: number; height: number };
}

/** Encode interleaved 8-bit pixels (1–4 channels) as PNG. Deterministic for the same input. */
export async function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4, options: PngOptions = {}): Promise<Buffer> {
  let pipeline = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels } });
  const to = options.resizeTo;
  if (to && (to.width !== width || to.height !== height)) {
    pipeline = pipeline.resize(Math.max(1, Math.round(to.width)), Math.max(1, Math.round(to.height)), { kernel: 'nearest', fit: 'fill' });
  }
  return pipeline.png({ compressionLevel: 9, adaptiveFiltering: false }).toBuffer();
}

/** `data:image/png;base64,…` for a PNG buffer. */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
