// The JET colormap (dark blue → cyan → yellow → dark red), as in MATLAB `jet` and OpenCV COLORMAP_JET:
// each channel is a clamped triangle, r = 1.5 − |4t − 3|, g = 1.5 − |4t − 2|, b = 1.5 − |4t − 1|.
import type { Rgb } from './color.js';

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** JET colour of t ∈ [0, 1] (values outside are clamped; NaN maps to 0) as 0..255 RGB. */
export function jet(t: number): Rgb {
  const s = Number.isNaN(t) ? 0 : clamp01(t);
  const ch = (centre: number): number => Math.round(255 * clamp01(1.5 - Math.abs(4 * s - centre)));
  return [ch(3), ch(2), ch(1)];
}

/** 256-entry lookup table of `jet`, flat RGB: entry i is at [3i, 3i + 3). */
export const JET_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(jet(i / 255), 3 * i);
  return lut;
})();
