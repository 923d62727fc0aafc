// Pixel access and conversions for RasterImage: validation, grey/RGBA extraction, intensity scaling, resizing.
import { OptionError } from '../util/errors.js';
import type { RasterImage } from './types.js';

/** Check sizes and channel count; `what` names the argument in the error. */
export function checkRaster(img: RasterImage, what: string): void {
  const { width, height, channels, data } = img ?? ({} as RasterImage);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new OptionError(what, `image size must be positive integers, got ${width}×${height}`);
  if (!Number.isInteger(channels) || channels < 1 || channels > 4)
    throw new OptionError(what, `channels must be 1..4, got ${channels}`);
  if (!data || typeof data.length !== 'number' || data.length !== width * height * channels)
    throw new OptionError(what, `data holds ${data?.length} values, expected ${width}×${height}×${channels} = ${width * height * channels}`);
}

/** Value of channel c at pixel index p (= y·width + x), honouring the layout. */
export function sample(img: RasterImage, p: number, c: number): number {
  return img.layout === 'chw' ? img.data[c * img.width * img.height + p] : img.data[p * img.channels + c];
}

/** Default display range: 0..255 for 8-bit data, else the finite min..max (a flat image gets [v, v + 1]). */
export function intensityRange(img: RasterImage): [number, number] {
  if (img.data instanceof Uint8Array || img.data instanceof Uint8ClampedArray) return [0, 255];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of img.data) {
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return [0, 1];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** Luminance per pixel (Rec. 601 weights for colour, alpha ignored), in the image's own scale. [H·W] */
export function toGrey(img: RasterImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const colour = img.channels >= 3;
  for (let p = 0; p < n; p++) {
    out[p] = colour ? 0.299 * sample(img, p, 0) + 0.587 * sample(img, p, 1) + 0.114 * sample(img, p, 2) : sample(img, p, 0);
  }
  return out;
}

/** Map v from [lo, hi] to 0..255 (clamped; non-finite → 0). */
export function to8bit(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return 0;
  const t = (v - lo) / (hi - lo);
  return t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
}

/** Interleaved 8-bit RGBA pixels for display; `range` scales intensities (default `intensityRange`). [H·W·4] */
export function toRgba8(img: RasterImage, range: [number, number] = intensityRange(img)): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 4);
  const [lo, hi] = range;
  for (let p = 0; p < n; p++) {
    const o = 4 * p;
    if (img.channels >= 3) {
      for (let c = 0; c < 3; c++) out[o + c] = to8bit(sample(img, p, c), lo, hi);
    } else {
      out[o] = out[o + 1] = out[o + 2] = to8bit(sample(img, p, 0), lo, hi);
    }
    const alphaChannel = img.channels === 2 ? 1 : img.channels === 4 ? 3 : -1;
    out[o + 3] = alphaChannel < 0 ? 255 : to8bit(sample(img, p, alphaChannel), lo, hi);
  }
  return out;
}

/** Bilinear resize of a single-channel map [h·w] → [H·W] with pixel centres aligned (as cv2/torch align_corners=False). */
export function resizeBilinear(src: ArrayLike<number>, w: number, h: number, W: number, H: number): Float32Array {
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(Math.max((y + 0.5) * (h / H) - 0.5, 0), h - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let x = 0; x < W; x++) {
      const sx = Math.min(Math.max((x + 0.5) * (w / W) - 0.5, 0), w - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      const top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
      const bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
      out[y * W + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
