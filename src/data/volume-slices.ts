// 2-D slices of a volume along one axis, optionally skipping empty or near-empty slices.
import type { Volume } from '../io/index.js';
import { OptionError } from '../util/errors.js';
import type { ImageTensorLike } from './types.js';

/** A volume axis: 0, 1 or 2 (x, y, z of the array). */
export type Axis = 0 | 1 | 2;

/** The two in-plane axes of a slice along `axis`, as [column axis, row axis] (ascending). */
export function inPlaneAxes(axis: Axis): [Axis, Axis] {
  return axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
}

function checkAxis(axis: unknown): Axis {
  if (axis !== 0 && axis !== 1 && axis !== 2) throw new OptionError('axis', `must be 0, 1 or 2, got ${String(axis)}`);
  return axis;
}

/**
 * Slice `index` along `axis` as one plane [1,H,W]: columns run along the lower remaining axis,
 * rows along the higher (slice along z: row y, column x, as the data lies in memory).
 */
export function sliceVolume(vol: Volume, axis: Axis, index: number): ImageTensorLike {
  checkAxis(axis);
  const n = vol.shape[axis];
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new OptionError('index', `slice ${index} is outside 0..${n - 1} along axis ${axis}`);
  const [ca, ra] = inPlaneAxes(axis);
  const [X, Y] = vol.shape;
  const strides = [1, X, X * Y];
  const width = vol.shape[ca];
  const height = vol.shape[ra];
  const out = new Float32Array(width * height);
  const base = index * strides[axis];
  const sc = strides[ca];
  const sr = strides[ra];
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) out[r * width + c] = vol.data[base + r * sr + c * sc];
  return { data: out, channels: 1, height, width };
}

/** Options of `sliceIndices` and `volumeSlices`. */
export interface SliceOptions {
  /** Axis to slice along. @default 2 */
  axis?: Axis;
  /** A voxel is foreground when its value is above this. @default 0 */
  threshold?: number;
  /** Keep slices whose foreground fraction is at least this (0 keeps every slice). @default 0 */
  minForeground?: number;
}

/** Indices of the slices along the axis whose foreground fraction reaches `minForeground`. */
export function sliceIndices(vol: Volume, options: SliceOptions = {}): number[] {
  const axis = checkAxis(options.axis ?? 2);
  const thr = options.threshold ?? 0;
  const minFg = options.minForeground ?? 0;
  const n = vol.shape[axis];
  if (minFg <= 0) return Array.from({ length: n }, (_, i) => i);
  const [X, Y] = vol.shape;
  const counts = new Float64Array(n);
  const d = vol.data;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i] > thr)) continue;
    const k = axis === 0 ? i % X : axis === 1 ? Math.floor(i / X) % Y : Math.floor(i / (X * Y));
    counts[k]++;
  }
  const per = d.length / n;
  const out: number[] = [];
  for (let k = 0; k < n; k++) if (counts[k] / per >= minFg) out.push(k);
  return out;
}

/** The kept slices along the axis, each with its index. */
export function volumeSlices(vol: Volume, options: SliceOptions = {}): { index: number; image: ImageTensorLike }[] {
  const axis = options.axis ?? 2;
  return sliceIndices(vol, options).map((index) => ({ index, image: sliceVolume(vol, axis, index) }));
}
