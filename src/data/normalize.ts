// Intensity normalisation of images and volumes: z-score, percentile clip-and-scale, min-max;
// statistics from the data itself (per image) or given (e.g. from the training set).
import { OptionError } from '../util/errors.js';
import type { ImageTensorLike } from './types.js';

/** Options shared by the statistics of the normalisations. */
export interface StatsOptions {
  /** Compute statistics over non-zero values only (e.g. the head in an MRI volume); zeros are still transformed. @default false */
  ignoreZeros?: boolean;
}

/** Mean, population standard deviation, minimum and maximum. */
export interface IntensityStats {
  mean: number;
  std: number;
  min: number;
  max: number;
  count: number;
}

function values(data: Float32Array, o: StatsOptions): Float32Array {
  return o.ignoreZeros ? data.filter((v) => v !== 0) : data;
}

/** Statistics of the values (or non-zero values). Empty input gives NaN mean and std. */
export function intensityStats(data: Float32Array, options: StatsOptions = {}): IntensityStats {
  const v = values(data, options);
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    s += v[i];
    if (v[i] < min) min = v[i];
    if (v[i] > max) max = v[i];
  }
  const mean = s / v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i] - mean) * (v[i] - mean);
  return { mean, std: Math.sqrt(ss / v.length), min, max, count: v.length };
}

/** Percentiles (0-100) with linear interpolation between order statistics (numpy's default). */
export function percentiles(data: Float32Array, ps: readonly number[], options: StatsOptions = {}): number[] {
  const sorted = Float32Array.from(values(data, options)).sort();
  if (sorted.length === 0) return ps.map(() => NaN);
  return ps.map((p) => {
    if (!(p >= 0 && p <= 100)) throw new OptionError('percentile', `must be in [0, 100], got ${p}`);
    const pos = (p / 100) * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  });
}

/** Options of `zScore`. */
export interface ZScoreOptions extends StatsOptions {
  /** Mean to subtract. @default the data's mean */
  mean?: number;
  /** Standard deviation to divide by. @default the data's (population) standard deviation */
  std?: number;
  /** Smallest divisor, so a constant image gives zeros rather than NaN. @default 1e-8 */
  eps?: number;
}

/** (v - mean) / std. */
export function zScore(data: Float32Array, options: ZScoreOptions = {}): Float32Array {
  const st = options.mean === undefined || options.std === undefined ? intensityStats(data, options) : undefined;
  const mean = options.mean ?? st!.mean;
  const k = 1 / Math.max(options.std ?? st!.std, options.eps ?? 1e-8);
  return data.map((v) => (v - mean) * k);
}

/** Options of `percentileScale`. */
export interface PercentileScaleOptions extends StatsOptions {
  /** Lower percentile, mapped to 0. @default 1 */
  low?: number;
  /** Upper percentile, mapped to 1. @default 99 */
  high?: number;
  /** Given [lower, upper] values instead of the data's percentiles. @default the data's percentiles */
  range?: readonly [number, number];
}

function scaleTo01(data: Float32Array, lo: number, hi: number, clip: boolean): Float32Array {
  const k = hi > lo ? 1 / (hi - lo) : 0;
  return data.map((v) => {
    const u = (v - lo) * k;
    return clip ? (u < 0 ? 0 : u > 1 ? 1 : u) : u;
  });
}

/** Clip to the [low, high] percentiles, then scale that range to [0, 1]. */
export function percentileScale(data: Float32Array, options: PercentileScaleOptions = {}): Float32Array {
  const low = options.low ?? 1;
  const high = options.high ?? 99;
  if (!(low < high)) throw new OptionError('low', `must be below high, got low ${low}, high ${high}`);
  const [lo, hi] = options.range ?? percentiles(data, [low, high], options);
  return scaleTo01(data, lo, hi, true);
}

/** Options of `minMaxScale`. */
export interface MinMaxOptions extends StatsOptions {
  /** Value mapped to 0. @default the data's minimum */
  min?: number;
  /** Value mapped to 1. @default the data's maximum */
  max?: number;
  /** Clip results to [0, 1] (matters with given min/max). @default false */
  clip?: boolean;
}

/** (v - min) / (max - min); a constant image gives zeros. */
export function minMaxScale(data: Float32Array, options: MinMaxOptions = {}): Float32Array {
  const st = options.min === undefined || options.max === undefined ? intensityStats(data, options) : undefined;
  return scaleTo01(data, options.min ?? st!.min, options.max ?? st!.max, options.clip ?? false);
}

/** Apply a normalisation to each channel of an image on its own (per-channel statistics). */
export function perChannel(img: ImageTensorLike, fn: (plane: Float32Array) => Float32Array): ImageTensorLike {
  const n = img.height * img.width;
  const out = new Float32Array(img.data.length);
  for (let c = 0; c < img.channels; c++) out.set(fn(img.data.subarray(c * n, (c + 1) * n)), c * n);
  return { ...img, data: out };
}
