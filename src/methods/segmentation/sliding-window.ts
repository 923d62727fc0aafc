// Sliding-window prediction of a whole image from a network trained on patches: windows overlap by
// a set fraction, each window's output is weighted by a Gaussian (σ = window / 8, as in nnU-Net,
// Isensee et al. 2021, doi 10.1038/s41592-020-01008-z) or uniformly, and the weighted sum is divided
// by the summed weights. Images smaller than a window are padded by reflection (replication where
// the image is too small to reflect) to a size the network accepts, and the padding is cut off.
import { cat, keep, noGrad, pad, tensor, tidy, zeros, type Tensor } from '../../engine/index.js';
import { OptionError } from '../../util/errors.js';

export const BLENDS = ['gaussian', 'uniform'] as const;
export type Blend = (typeof BLENDS)[number];

export interface SlidingWindowOptions {
  /** Window side in pixels (a multiple of `multiple`). @default 256 */
  window?: number;
  /** Overlap of neighbouring windows as a fraction of the window, in [0, 1). @default 0.5 */
  overlap?: number;
  /** Weighting of each window's output. @default 'gaussian' */
  blend?: Blend;
  /** The network's input sides must be multiples of this (2^(levels − 1) for a U-Net). @default 1 */
  multiple?: number;
  /** Windows per forward call. @default 4 */
  batchSize?: number;
}

/** Window start positions along an axis of length `length` (≥ w): evenly spread, first 0, last length − w. */
export function windowStarts(length: number, w: number, overlap: number): number[] {
  if (length <= w) return [0];
  const step = Math.max(1, Math.round(w * (1 - overlap)));
  const n = Math.ceil((length - w) / step) + 1;
  return Array.from({ length: n }, (_, i) => Math.round((i * (length - w)) / (n - 1)));
}

/** Weights [h, w] of one window: a Gaussian centred on it with σ = side / 8 (max 1, floor 1e-3), or ones. */
export function windowWeights(h: number, w: number, blend: Blend, device = 'cpu'): Tensor {
  const g = new Float32Array(h * w).fill(1);
  if (blend === 'gaussian') {
    const cy = (h - 1) / 2;
    const cx = (w - 1) / 2;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) g[y * w + x] = Math.max(1e-3, Math.exp(-0.5 * (((y - cy) / (h / 8)) ** 2 + ((x - cx) / (w / 8)) ** 2)));
    }
  }
  return tensor(g, { shape: [h, w], device });
}

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/**
 * Output of `predict` over a whole image: `image` [C, H, W] (one image) → [K, H, W]. `predict` maps
 * a batch [B, C, h, w] to [B, K, h, w] (e.g. class probabilities) and is called without gradients.
 */
export function slidingWindow(predict: (x: Tensor) => Tensor, image: Tensor, o: SlidingWindowOptions = {}): Tensor {
  const window = o.window ?? 256;
  const overlap = o.overlap ?? 0.5;
  const blend = o.blend ?? 'gaussian';
  const multiple = o.multiple ?? 1;
  const bs = o.batchSize ?? 4;
  if (!Number.isInteger(window) || window < 1 || window % multiple !== 0) throw new OptionError('--window', `must be a positive multiple of ${multiple}, got ${window}`);
  if (!(overlap >= 0 && overlap < 1)) throw new OptionError('--overlap', `must be in [0, 1), got ${overlap}`);
  if (!(BLENDS as readonly string[]).includes(blend)) throw new OptionError('--blend', `must be ${BLENDS.join(' or ')}, got ${blend}`);
  if (image.shape.length !== 3) throw new OptionError('image', `must be [C, H, W], got [${image.shape.join(', ')}]`);
  const [, H, W] = image.shape;
  // each window side: the window, or the image side rounded up to the network's multiple when smaller
  const wy = Math.min(window, roundUp(H, multiple));
  const wx = Math.min(window, roundUp(W, multiple));
  return noGrad(() =>
    tidy(() => {
      const padY = Math.max(0, wy - H);
      const padX = Math.max(0, wx - W);
      let x = image.unsqueeze(0);
      if (padY > 0 || padX > 0) x = pad(x, [0, padX, 0, padY], padY < H && padX < W ? 'reflect' : 'replicate');
      const Hp = H + padY;
      const Wp = W + padX;
      const boxes: [number, number][] = [];
      for (const y0 of windowStarts(Hp, wy, overlap)) for (const x0 of windowStarts(Wp, wx, overlap)) boxes.push([y0, x0]);
      const weight = windowWeights(wy, wx, blend, x.device);
      let acc: Tensor | undefined;
      const wsum = zeros([1, Hp, Wp], { device: x.device });
      for (let b = 0; b < boxes.length; b += bs) {
        tidy(() => {
          const chunk = boxes.slice(b, b + bs);
          const input = cat(chunk.map(([y0, x0]) => x.narrow(2, y0, wy).narrow(3, x0, wx)), 0);
          const out = predict(input); // [B, K, wy, wx]
          if (acc === undefined) acc = keep(zeros([out.shape[1], Hp, Wp], { device: x.device }));
          chunk.forEach(([y0, x0], i) => {
            acc!.narrow(1, y0, wy).narrow(2, x0, wx).add_(out.select(0, i).mul(weight));
            wsum.narrow(1, y0, wy).narrow(2, x0, wx).add_(weight);
          });
        });
      }
      const result = acc!.div(wsum).narrow(1, 0, H).narrow(2, 0, W).contiguous();
      acc!.dispose();
      return result;
    }),
  );
}

