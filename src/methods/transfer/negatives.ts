// The "not a landmark" class: points drawn at random inside a brain or head mask, at least a given
// distance (mm, in world space) from every landmark of the same volume.
import type { Volume } from '../../io/index.js';
import { Rng } from '../../data/rng.js';
import { InputError, OptionError } from '../../util/errors.js';

export const NEGATIVE_MASKS = ['labels', 'image'] as const;
/** 'labels': voxels with a non-zero label (the labelled brain); 'image': voxels brighter than a threshold (the head). */
export type NegativeMask = (typeof NEGATIVE_MASKS)[number];

/** Options of the negative-class sampler. */
export interface NegativeOptions {
  /** Points per volume. @default the number of landmark classes */
  perVolume?: number;
  /** Least distance in mm from every landmark of the volume. @default 10 */
  minDistance?: number;
  /** Where the points may lie. @default 'labels' */
  mask?: NegativeMask;
  /** With mask 'image': voxels with an intensity above this are inside. @default the volume's mean intensity */
  threshold?: number;
  /** Seed; volume v draws from the stream (seed, v). @default 0 */
  seed?: number;
}

/** Voxel indices of the mask (ascending). */
export function maskVoxels(labels: Volume, image: Volume, options: NegativeOptions = {}): Uint32Array {
  const mask = options.mask ?? 'labels';
  if (!NEGATIVE_MASKS.includes(mask)) throw new OptionError('mask', `must be one of ${NEGATIVE_MASKS.join(', ')}, got ${String(mask)}`);
  const out: number[] = [];
  if (mask === 'labels') {
    for (let i = 0; i < labels.data.length; i++) if (labels.data[i] !== 0) out.push(i);
  } else {
    let t = options.threshold;
    if (t === undefined) {
      let s = 0;
      for (let i = 0; i < image.data.length; i++) s += image.data[i];
      t = s / image.data.length;
    }
    if (!Number.isFinite(t)) throw new OptionError('threshold', `must be a finite intensity, got ${t}`);
    for (let i = 0; i < image.data.length; i++) if (image.data[i] > t) out.push(i);
  }
  return Uint32Array.from(out);
}

/** World (mm) position of voxel coordinates through the affine. */
function world(vol: Volume, x: number, y: number, z: number, out: Float64Array, o: number): void {
  const a = vol.affine;
  for (let r = 0; r < 3; r++) out[o + r] = a[r][0] * x + a[r][1] * y + a[r][2] * z + a[r][3];
}

/**
 * `count` distinct mask voxels (voxel coordinates) whose centres lie at least `minDistance` mm
 * from every point of `landmarks`, drawn uniformly with `rng`. `file` names the volume in errors.
 */
export function sampleNegatives(
  vol: Volume,
  mask: Uint32Array,
  landmarks: readonly (readonly number[])[],
  count: number,
  minDistance: number,
  rng: Rng,
  file: string,
): [number, number, number][] {
  if (!Number.isInteger(count) || count < 0) throw new OptionError('perVolume', `must be a non-negative integer, got ${count}`);
  if (!(minDistance >= 0) || !Number.isFinite(minDistance)) throw new OptionError('minDistance', `must be a non-negative number of mm, got ${minDistance}`);
  const [X, Y] = vol.shape;
  const L = landmarks.length;
  const lw = new Float64Array(3 * L);
  landmarks.forEach((p, k) => world(vol, p[0], p[1], p[2], lw, 3 * k));
  const d2 = minDistance * minDistance;
  const pw = new Float64Array(3);
  const candidates: number[] = [];
  for (let m = 0; m < mask.length; m++) {
    const i = mask[m];
    const x = i % X;
    const y = ((i - x) / X) % Y;
    const z = Math.floor(i / (X * Y));
    world(vol, x, y, z, pw, 0);
    let ok = true;
    for (let k = 0; k < L && ok; k++) {
      const dx = pw[0] - lw[3 * k];
      const dy = pw[1] - lw[3 * k + 1];
      const dz = pw[2] - lw[3 * k + 2];
      ok = dx * dx + dy * dy + dz * dz >= d2;
    }
    if (ok) candidates.push(i);
  }
  if (candidates.length < count) {
    throw new InputError(file, `only ${candidates.length} mask voxels lie ${minDistance} mm or more from every landmark, ${count} negatives asked for (lower negatives.minDistance or perVolume)`);
  }
  // partial Fisher-Yates: the first `count` of a random permutation
  for (let k = 0; k < count; k++) {
    const j = k + rng.int(candidates.length - k);
    [candidates[k], candidates[j]] = [candidates[j], candidates[k]];
  }
  return candidates.slice(0, count).map((i) => {
    const x = i % X;
    const y = ((i - x) / X) % Y;
    return [x, y, Math.floor(i / (X * Y))];
  });
}
