// 2.5D patches: three orthogonal planes through a 3-D point as three channels, on a pixel grid
// in voxels or millimetres (trilinear resampling using the voxel spacing), constant outside.
import type { Volume } from '../io/index.js';
import { OptionError } from '../util/errors.js';
import type { ImageTensorLike } from './types.js';
import { sampleLinear, sampleNearest, type Interpolation } from './volume-sampling.js';
import { inPlaneAxes, type Axis } from './volume-slices.js';

/** Options of `patch25d`. */
export interface Patch25dOptions {
  /** Output edge in pixels (each channel is pixels x pixels). @default 32 */
  pixels?: number;
  /** Edge length the patch covers, in `unit`. @default pixels (one voxel per pixel) */
  size?: number;
  /** Unit of `size`: voxels, or millimetres through the volume's spacing. @default 'voxel' */
  unit?: 'voxel' | 'mm';
  /** 'linear' (trilinear) for intensities, 'nearest' for label volumes. @default 'linear' */
  interpolation?: Interpolation;
  /** Value of samples outside the volume. @default 0 */
  fill?: number;
}

/**
 * Planes of the three channels, by the axis each is normal to: axial (normal to axis 2), coronal
 * (axis 1), sagittal (axis 0) for a volume in RAS+ order (read with `canonical: true`).
 */
export const PATCH_PLANES: readonly Axis[] = [2, 1, 0];

/**
 * A [3,P,P] patch centred on voxel coordinates `center` (fractional allowed). In each channel
 * columns run along the lower in-plane axis and rows along the higher (as `sliceVolume`), and
 * pixel (P/2 rounded down, P/2 rounded down) sits exactly on the centre; pixel i lies
 * (i - floor(P/2)) * size/P units from it.
 */
export function patch25d(vol: Volume, center: readonly [number, number, number], options: Patch25dOptions = {}): ImageTensorLike {
  const P = options.pixels ?? 32;
  if (!Number.isInteger(P) || P < 1) throw new OptionError('pixels', `must be a positive integer, got ${P}`);
  const size = options.size ?? P;
  if (!(size > 0)) throw new OptionError('size', `must be positive, got ${size}`);
  const unit = options.unit ?? 'voxel';
  if (unit !== 'voxel' && unit !== 'mm') throw new OptionError('unit', `must be 'voxel' or 'mm', got ${String(unit)}`);
  const interp = options.interpolation ?? 'linear';
  if (interp !== 'linear' && interp !== 'nearest') throw new OptionError('interpolation', `must be 'linear' or 'nearest', got ${String(interp)}`);
  if (center.length !== 3 || !center.every(Number.isFinite)) throw new OptionError('center', `must be three finite voxel coordinates, got ${center.join(', ')}`);
  const sample = interp === 'linear' ? sampleLinear : sampleNearest;
  const fill = options.fill ?? 0;
  // Voxels per pixel along each array axis.
  const step = [0, 1, 2].map((a) => (unit === 'voxel' ? size / P : size / P / vol.spacing[a]));
  const half = Math.floor(P / 2);
  const out = new Float32Array(3 * P * P);
  const p = [0, 0, 0];
  PATCH_PLANES.forEach((normal, ch) => {
    const [ca, ra] = inPlaneAxes(normal);
    p[normal] = center[normal];
    for (let r = 0; r < P; r++) {
      p[ra] = center[ra] + (r - half) * step[ra];
      for (let c = 0; c < P; c++) {
        p[ca] = center[ca] + (c - half) * step[ca];
        out[(ch * P + r) * P + c] = sample(vol, p[0], p[1], p[2], fill);
      }
    }
  });
  return { data: out, channels: 3, height: P, width: P };
}
