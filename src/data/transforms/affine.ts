// Small random affine warps (rotation, scale, translation about the image centre): bilinear for
// the image, nearest neighbour for the mask, constant fill outside.
import { OptionError } from '../../util/errors.js';
import type { Rng } from '../rng.js';
import type { ImageTensorLike, Sample } from '../types.js';
import { checkProb, mapSample, type RandomTransform } from './transform.js';

/** Parameters of an affine warp; zero angle and translation with unit scale is the identity. */
export interface AffineParams {
  /** Rotation in degrees, anticlockwise as displayed (rows down). */
  angle: number;
  /** Zoom factor (> 1 enlarges the content). */
  scale: number;
  /** Shift of the content in pixels, right and down. */
  tx: number;
  ty: number;
}

/**
 * The 2x3 matrix taking output pixel (x, y) to its source position in the input:
 * source = R(-angle) (output - centre - t) / scale + centre, centre = ((W-1)/2, (H-1)/2).
 */
export function inverseAffineMatrix(p: AffineParams, height: number, width: number): [number, number, number, number, number, number] {
  const a = (p.angle * Math.PI) / 180;
  const cos = Math.cos(a) / p.scale;
  const sin = Math.sin(a) / p.scale;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  // forward (rows down, anticlockwise on screen): dx' = cos dx + sin dy, dy' = -sin dx + cos dy; inverse is the transpose
  const ox = cx + p.tx;
  const oy = cy + p.ty;
  return [cos, -sin, cx - cos * ox + sin * oy, sin, cos, cy - sin * ox - cos * oy];
}

/** Warp every channel with an output-to-input matrix m: bilinear or nearest, `fill` outside. */
export function warpPlanes(img: ImageTensorLike, m: readonly number[], interpolation: 'linear' | 'nearest', fill: number): ImageTensorLike {
  const { channels: C, height: H, width: W } = img;
  const out = new Float32Array(img.data.length);
  const d = img.data;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sx = m[0] * x + m[1] * y + m[2];
      const sy = m[3] * x + m[4] * y + m[5];
      if (interpolation === 'nearest') {
        const ix = Math.floor(sx + 0.5);
        const iy = Math.floor(sy + 0.5);
        const inside = ix >= 0 && ix < W && iy >= 0 && iy < H;
        for (let c = 0; c < C; c++) out[(c * H + y) * W + x] = inside ? d[(c * H + iy) * W + ix] : fill;
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < C; c++) {
        const base = c * H * W;
        const px = (xi: number, yi: number): number => (xi >= 0 && xi < W && yi >= 0 && yi < H ? d[base + yi * W + xi] : fill);
        // Near-integer positions (e.g. 90° turns) skip zero-weight neighbours outside the image.
        const top = fx < 1e-6 ? px(x0, y0) : (1 - fx) * px(x0, y0) + fx * px(x0 + 1, y0);
        const bottom = fy < 1e-6 ? 0 : fx < 1e-6 ? px(x0, y0 + 1) : (1 - fx) * px(x0, y0 + 1) + fx * px(x0 + 1, y0 + 1);
        out[base + y * W + x] = fy < 1e-6 ? top : (1 - fy) * top + fy * bottom;
      }
    }
  }
  return { ...img, data: out };
}

/** Options of `RandAffine`. */
export interface RandAffineOptions {
  /** Probability of warping at all. @default 0.5 */
  prob?: number;
  /** Largest rotation in degrees: angles are uniform in [-rotate, rotate]. @default 10 */
  rotate?: number;
  /** Zoom range [low, high]: scales are log-uniform in it. @default [0.9, 1.1] */
  scale?: readonly [number, number];
  /** Largest shift as a fraction of width/height: uniform in [-translate, translate]. @default 0.05 */
  translate?: number;
  /** Image value outside the source. @default 0 */
  fill?: number;
  /** Mask value outside the source (e.g. an ignore index). @default 0 */
  maskFill?: number;
}

/** Random small affine warp, the same for image (bilinear) and mask (nearest). Parameters are null when not applied. */
export class RandAffine implements RandomTransform<AffineParams | null> {
  readonly name = 'RandAffine';
  private readonly o: Required<RandAffineOptions>;
  constructor(options: RandAffineOptions = {}) {
    this.o = { prob: 0.5, rotate: 10, scale: [0.9, 1.1], translate: 0.05, fill: 0, maskFill: 0, ...options };
    checkProb(this.o.prob);
    const [lo, hi] = this.o.scale;
    if (!(lo > 0 && hi >= lo)) throw new OptionError('scale', `must be [low, high] with 0 < low <= high, got [${lo}, ${hi}]`);
    if (!(this.o.rotate >= 0)) throw new OptionError('rotate', `must be >= 0, got ${this.o.rotate}`);
    if (!(this.o.translate >= 0)) throw new OptionError('translate', `must be >= 0, got ${this.o.translate}`);
  }
  randomize(rng: Rng, size: { height: number; width: number }): AffineParams | null {
    if (!rng.bool(this.o.prob)) return null;
    const [lo, hi] = this.o.scale;
    const t = this.o.translate;
    return {
      angle: rng.uniform(-this.o.rotate, this.o.rotate),
      scale: Math.exp(rng.uniform(Math.log(lo), Math.log(hi))),
      tx: rng.uniform(-t, t) * size.width,
      ty: rng.uniform(-t, t) * size.height,
    };
  }
  apply(sample: Sample, p: AffineParams | null): Sample {
    if (p === null) return mapSample(sample, (img) => ({ ...img, data: img.data.slice() }));
    return mapSample(sample, (img, isMask) => {
      const m = inverseAffineMatrix(p, img.height, img.width);
      return isMask ? warpPlanes(img, m, 'nearest', this.o.maskFill) : warpPlanes(img, m, 'linear', this.o.fill);
    });
  }
}
