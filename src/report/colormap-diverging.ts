// A diverging colormap for signed maps (e.g. original − translated): negative values blue, zero
// near-white, positive red, linear in between (end colours of ColorBrewer's RdBu).
import { OptionError } from '../util/errors.js';
import type { RasterImage } from './types.js';

const NEG = [33, 102, 172] as const;
const MID = [247, 247, 247] as const;
const POS = [178, 24, 43] as const;

/** RGB of t in [-1, 1] (clamped): −1 blue, 0 near-white, +1 red. */
export function diverging(t: number): [number, number, number] {
  const u = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const end = u < 0 ? NEG : POS;
  const a = Math.abs(u);
  return [0, 1, 2].map((c) => Math.round(MID[c] + (end[c] - MID[c]) * a)) as [number, number, number];
}

/** A signed width × height map as an RGB raster, ±limit at the colour ends (default: the largest |value|). */
export function divergingRaster(values: ArrayLike<number>, width: number, height: number, limit?: number): RasterImage {
  if (values.length !== width * height) throw new OptionError('values', `has ${values.length} entries, not ${width}×${height}`);
  let lim = limit ?? 0;
  if (limit === undefined) for (let i = 0; i < values.length; i++) lim = Math.max(lim, Math.abs(values[i]));
  const k = lim > 0 ? 1 / lim : 0;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < values.length; i++) data.set(diverging(values[i] * k), i * 3);
  return { width, height, channels: 3, data };
}
