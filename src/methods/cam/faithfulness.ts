// Deletion and insertion curves (Petsiuk et al., RISE, arXiv 1806.07421, Sec. 4.1): the most
// salient pixels first, a fixed fraction per step, are replaced by a baseline (deletion) or
// restored into the baseline (insertion); the target class's softmax probability is recorded after
// each step and the area under each curve (trapezoid rule over the fraction of pixels) summarises
// it. A faithful map gives a low deletion AUC and a high insertion AUC.
import type { Tensor } from '../../engine/tensor.js';
import { noGrad } from '../../engine/tensor.js';
import { tensor } from '../../engine/creation.js';
import { pad } from '../../engine/tensor-shape.js';
import { tidy } from '../../engine/scope.js';
import { conv2d, softmax } from '../../nn/functional.js';
import { OptionError } from '../../util/errors.js';
import { gaussianKernel1d } from '../../data/gaussian.js';
import type { CamNet } from './types.js';

export const FAITHFULNESS_BASELINES = ['blur', 'mean', 'zero'] as const;
export type FaithfulnessBaseline = (typeof FAITHFULNESS_BASELINES)[number];

export interface FaithfulnessOptions {
  /** Fraction of the pixels removed or inserted per step. @default 0.05 */
  step?: number;
  /**
   * What removed pixels become, and where insertion starts: a Gaussian blur of the image, its
   * per-channel mean, or 0 (in the network's input space). @default 'blur'
   */
  baseline?: FaithfulnessBaseline;
  /** Standard deviation in pixels of the 'blur' baseline (kernel of src/data/gaussian.ts, truncated at 3σ). @default 5 */
  blurSigma?: number;
  /** Largest batch of forward passes. @default 32 */
  batchSize?: number;
}

export interface FaithfulnessCurves {
  /** Fraction of the pixels changed at each point, from 0 to 1. */
  fractions: number[];
  /** Target-class probability as the most salient pixels are removed. */
  deletion: number[];
  /** Target-class probability as the most salient pixels are inserted into the baseline. */
  insertion: number[];
  /** Area under the deletion curve (lower = more faithful). */
  deletionAuc: number;
  /** Area under the insertion curve (higher = more faithful). */
  insertionAuc: number;
}

/** Area under y(x) by the trapezoid rule. */
export function trapezoidAuc(x: readonly number[], y: readonly number[]): number {
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((y[i] + y[i - 1]) / 2) * (x[i] - x[i - 1]);
  return a;
}

/** Pixel rank by saliency, most salient 0; ties go to the lower pixel index (deterministic). */
export function saliencyRank(map: ArrayLike<number>): Int32Array {
  const order = Array.from({ length: map.length }, (_, i) => i).sort((a, b) => map[b] - map[a] || a - b);
  const rank = new Int32Array(map.length);
  order.forEach((p, r) => (rank[p] = r));
  return rank;
}

/** The baseline image(s) for x [N,C,H,W]. */
export function faithfulnessBaseline(x: Tensor, baseline: FaithfulnessBaseline, blurSigma = 5): Tensor {
  return tidy(() => {
    if (baseline === 'zero') return x.mul(0);
    if (baseline === 'mean') return x.mean([2, 3], true).expandAs(x).contiguous();
    if (!(blurSigma > 0)) throw new OptionError('blurSigma', `must be > 0, got ${blurSigma}`);
    const c = x.size(1);
    const k = gaussianKernel1d(blurSigma, 3);
    const r = (k.length - 1) / 2;
    const g = tensor(Array.from(k), { dtype: x.dtype, device: x.device });
    const gx = g.view([1, 1, 1, 2 * r + 1]).expand([c, 1, 1, 2 * r + 1]);
    const gy = g.view([1, 1, 2 * r + 1, 1]).expand([c, 1, 2 * r + 1, 1]);
    // replicate borders, separable Gaussian per channel (depthwise convolutions)
    const h = conv2d(pad(x, [r, r, 0, 0], 'replicate'), gx, undefined, { groups: c });
    return conv2d(pad(h, [0, 0, r, r], 'replicate'), gy, undefined, { groups: c });
  });
}

function classProbabilities(net: CamNet, batch: Tensor, cls: number, batchSize: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < batch.size(0); s += batchSize) {
    const m = Math.min(batchSize, batch.size(0) - s);
    const p = tidy(() => softmax(net.forward(batch.narrow(0, s, m)), 1).select(1, cls).data() as Float32Array);
    out.push(...Array.from(p));
  }
  return out;
}

/**
 * Deletion and insertion curves of each image of `input` [N,C,H,W] under its saliency map
 * (`maps` [N,H,W] at the input's size), for the class given per image.
 */
export function deletionInsertion(net: CamNet, input: Tensor, maps: Tensor, classes: readonly number[], options: FaithfulnessOptions = {}): FaithfulnessCurves[] {
  const step = options.step ?? 0.05;
  if (!(step > 0 && step <= 1)) throw new OptionError('step', `must be in (0, 1], got ${step}`);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new OptionError('batchSize', `must be a positive integer, got ${batchSize}`);
  const baseline = options.baseline ?? 'blur';
  if (!FAITHFULNESS_BASELINES.includes(baseline)) throw new OptionError('baseline', `must be one of ${FAITHFULNESS_BASELINES.join(', ')}, got ${String(baseline)}`);
  if (input.ndim !== 4) throw new OptionError('input', `must be [N,C,H,W], got [${input.shape.join(',')}]`);
  const [n, , h, w] = input.shape;
  if (maps.shape.join(',') !== [n, h, w].join(',')) throw new OptionError('maps', `must be [${n},${h},${w}] like the input, got [${maps.shape.join(',')}]`);
  if (classes.length !== n) throw new OptionError('classes', `${classes.length} classes for ${n} images`);
  const hw = h * w;
  const steps = Math.ceil(1 / step - 1e-9);
  const counts = Array.from({ length: steps + 1 }, (_, j) => Math.min(hw, Math.round(j * step * hw)));
  counts[steps] = hw;
  const fractions = counts.map((k) => k / hw);
  const wasTraining = net.training;
  net.eval();
  try {
    return noGrad(() =>
      Array.from({ length: n }, (_, i) =>
        tidy(() => {
          const rank = saliencyRank(maps.select(0, i).data() as Float32Array);
          // masks[j] = 1 where the pixel is among the counts[j] most salient
          const masks = new Float32Array((steps + 1) * hw);
          counts.forEach((k, j) => {
            for (let p = 0; p < hw; p++) if (rank[p] < k) masks[j * hw + p] = 1;
          });
          const m = tensor(masks, { shape: [steps + 1, 1, h, w], dtype: input.dtype, device: input.device });
          const x = input.narrow(0, i, 1);
          const b = faithfulnessBaseline(x, baseline, options.blurSigma ?? 5);
          const removed = x.mul(m.neg().add(1)).add(b.mul(m)); // [S+1,C,H,W]
          const inserted = b.mul(m.neg().add(1)).add(x.mul(m));
          const deletion = classProbabilities(net, removed, classes[i], batchSize);
          const insertion = classProbabilities(net, inserted, classes[i], batchSize);
          return { fractions, deletion, insertion, deletionAuc: trapezoidAuc(fractions, deletion), insertionAuc: trapezoidAuc(fractions, insertion) };
        }),
      ),
    );
  } finally {
    if (wasTraining) net.train();
  }
}

/** Mean of each AUC over images. */
export function meanAucs(curves: readonly FaithfulnessCurves[]): { deletionAuc: number; insertionAuc: number } {
  const mean = (f: (c: FaithfulnessCurves) => number): number => curves.reduce((a, c) => a + f(c), 0) / Math.max(1, curves.length);
  return { deletionAuc: mean((c) => c.deletionAuc), insertionAuc: mean((c) => c.insertionAuc) };
}
