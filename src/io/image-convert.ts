// Conversions of decoded images: to one grey channel, and to Float32 [C,H,W] planes for a network.
import { OptionError } from '../util/errors.js';
import type { FloatPlanes, Image2D } from './types.js';

/** Options of `toGrey`. */
export interface ToGreyOptions {
  /**
   * 'luminance': ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B, rounded (as Pillow's mode 'L');
   * 'channel0': the first channel as is (right for grey stored as RGB, and for masks).
   * Grey and grey+alpha images always give channel 0. Alpha is dropped.
   * @default 'luminance'
   */
  method?: 'luminance' | 'channel0';
}

/** One-channel image of the same size and bit depth. */
export function toGrey(img: Image2D, options: ToGreyOptions = {}): Image2D {
  const method = options.method ?? 'luminance';
  if (method !== 'luminance' && method !== 'channel0') throw new OptionError('method', `must be 'luminance' or 'channel0', got ${String(method)}`);
  const n = img.width * img.height;
  const c = img.channels;
  const out = img.bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  const src = img.data;
  if (c <= 2 || method === 'channel0') {
    for (let i = 0; i < n; i++) out[i] = src[i * c];
  } else {
    // Fixed-point weights (sum 2^16) with rounding, so identical R=G=B gives back the same value.
    for (let i = 0; i < n; i++) {
      const j = i * c;
      out[i] = (19595 * src[j] + 38470 * src[j + 1] + 7471 * src[j + 2] + 0x8000) >>> 16;
    }
  }
  return { width: img.width, height: img.height, channels: 1, bitDepth: img.bitDepth, data: out };
}

/** Options of `toFloatPlanes`. */
export interface ToFloatPlanesOptions {
  /**
   * 'unit': divide by the largest sample value (255 or 65535) so values lie in [0, 1];
   * 'none': keep the stored values.
   * @default 'unit'
   */
  scale?: 'unit' | 'none';
  /** Drop the alpha channel of grey+alpha and RGBA images. @default false */
  dropAlpha?: boolean;
}

/** Float32 planes [C,H,W] from an interleaved [H,W,C] image. */
export function toFloatPlanes(img: Image2D, options: ToFloatPlanesOptions = {}): FloatPlanes {
  const scale = options.scale ?? 'unit';
  if (scale !== 'unit' && scale !== 'none') throw new OptionError('scale', `must be 'unit' or 'none', got ${String(scale)}`);
  const hasAlpha = img.channels === 2 || img.channels === 4;
  const cOut = options.dropAlpha && hasAlpha ? img.channels - 1 : img.channels;
  const n = img.width * img.height;
  const k = scale === 'unit' ? 1 / (img.bitDepth === 16 ? 65535 : 255) : 1;
  const out = new Float32Array(cOut * n);
  const src = img.data;
  const cIn = img.channels;
  for (let c = 0; c < cOut; c++) {
    const base = c * n;
    for (let i = 0; i < n; i++) out[base + i] = src[i * cIn + c] * k;
  }
  return { channels: cOut, height: img.height, width: img.width, data: out };
}
