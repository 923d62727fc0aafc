// ROAD, Remove And Debias (Rong et al., arXiv 2202.00449, Sec. 4): pixels are removed in saliency
// order (most relevant first, MoRF, and least relevant first, LeRF) at fixed percentages, and
// filled by noisy linear imputation so the removal pattern itself leaks no class information.
// Each removed pixel equals the weighted mean of its 8 neighbours (1/6 side, 1/12 diagonal; only
// neighbours inside the image), solved jointly for all removed pixels, plus Gaussian noise.
import type { Tensor } from '../../engine/tensor.js';
import { noGrad } from '../../engine/tensor.js';
import { tensor } from '../../engine/creation.js';
import { tidy } from '../../engine/scope.js';
import { softmax } from '../../nn/functional.js';
import { Rng } from '../../data/rng.js';
import { OptionError } from '../../util/errors.js';
import { saliencyRank } from './faithfulness.js';
import type { CamNet } from './types.js';

export interface RoadOptions {
  /** Percent of the pixels removed at each point. @default [10, 20, …, 90] */
  percentiles?: readonly number[];
  /** Standard deviation of the noise added to imputed pixels, in input units. @default 0.01 */
  noise?: number;
  /** Seed of the noise. @default 0 */
  seed?: number;
  /** Largest batch of forward passes. @default 32 */
  batchSize?: number;
}

export interface RoadCurves {
  percentiles: number[];
  /** Target-class probability with the most relevant pixels removed. */
  morf: number[];
  /** Target-class probability with the least relevant pixels removed. */
  lerf: number[];
  /** Mean of morf (lower = more faithful). */
  morfMean: number;
  /** Mean of lerf (higher = more faithful). */
  lerfMean: number;
  /** lerfMean − morfMean (higher = more faithful). */
  gap: number;
}

const NEIGHBOURS: readonly [number, number, number][] = [
  [-1, -1, 1 / 12], [-1, 0, 1 / 6], [-1, 1, 1 / 12], [0, -1, 1 / 6], [0, 1, 1 / 6], [1, -1, 1 / 12], [1, 0, 1 / 6], [1, 1, 1 / 12],
];

/**
 * Fills the pixels where `removed` is 1 in every channel of planes [C,H,W] (row-major) by the
 * linear imputation above, solved by conjugate gradients (the system is symmetric positive
 * definite when every removed region touches a kept pixel), then adds N(0, noise²).
 */
export function noisyLinearImpute(planes: Float32Array, channels: number, height: number, width: number, removed: Uint8Array, noise = 0, rng = new Rng(0)): Float32Array {
  const hw = height * width;
  if (planes.length !== channels * hw || removed.length !== hw) throw new OptionError('planes', `expected ${channels}×${height}×${width} values and ${hw} mask entries`);
  const out = Float32Array.from(planes);
  const ids = new Int32Array(hw).fill(-1);
  const pix: number[] = [];
  for (let p = 0; p < hw; p++) if (removed[p]) ids[p] = pix.push(p) - 1;
  const m = pix.length;
  if (m === 0) return out;
  if (m === hw) throw new OptionError('percentiles', 'cannot impute an image with every pixel removed');
  // row i: diag[i]·x_i − Σ_{removed nb j} w·x_j = Σ_{kept nb q} w·v_q
  const diag = new Float64Array(m);
  const nbIdx: number[][] = [];
  const nbW: number[][] = [];
  const known: [number, number][][] = [];
  pix.forEach((p, i) => {
    const y = Math.floor(p / width);
    const x = p % width;
    const ni: number[] = [];
    const nw: number[] = [];
    const kn: [number, number][] = [];
    for (const [dy, dx, w] of NEIGHBOURS) {
      const yy = y + dy;
      const xx = x + dx;
      if (yy < 0 || xx < 0 || yy >= height || xx >= width) continue;
      diag[i] += w;
      const q = yy * width + xx;
      if (ids[q] >= 0) {
        ni.push(ids[q]);
        nw.push(w);
      } else kn.push([q, w]);
    }
    nbIdx.push(ni);
    nbW.push(nw);
    known.push(kn);
  });
  const apply = (v: Float64Array, into: Float64Array): void => {
    for (let i = 0; i < m; i++) {
      let s = diag[i] * v[i];
      const ni = nbIdx[i];
      const nw = nbW[i];
      for (let k = 0; k < ni.length; k++) s -= nw[k] * v[ni[k]];
      into[i] = s;
    }
  };
  for (let c = 0; c < channels; c++) {
    const base = c * hw;
    const b = new Float64Array(m);
    for (let i = 0; i < m; i++) for (const [q, w] of known[i]) b[i] += w * planes[base + q];
    // Jacobi-preconditioned conjugate gradients from x = b / diag
    const x = Float64Array.from(b, (v, i) => v / diag[i]);
    const r = new Float64Array(m);
    apply(x, r);
    for (let i = 0; i < m; i++) r[i] = b[i] - r[i];
    const z = Float64Array.from(r, (v, i) => v / diag[i]);
    const d = Float64Array.from(z);
    const ad = new Float64Array(m);
    let rz = r.reduce((a, v, i) => a + v * z[i], 0);
    const bNorm = Math.sqrt(b.reduce((a, v) => a + v * v, 0)) || 1;
    for (let it = 0; it < 10 * m + 100; it++) {
      if (Math.sqrt(r.reduce((a, v) => a + v * v, 0)) <= 1e-10 * bNorm) break;
      apply(d, ad);
      const alpha = rz / d.reduce((a, v, i) => a + v * ad[i], 0);
      for (let i = 0; i < m; i++) {
        x[i] += alpha * d[i];
        r[i] -= alpha * ad[i];
        z[i] = r[i] / diag[i];
      }
      const rzNext = r.reduce((a, v, i) => a + v * z[i], 0);
      const beta = rzNext / rz;
      rz = rzNext;
      for (let i = 0; i < m; i++) d[i] = z[i] + beta * d[i];
    }
    for (let i = 0; i < m; i++) out[base + pix[i]] = x[i] + (noise > 0 ? noise * rng.normal() : 0);
  }
  return out;
}

function probabilities(net: CamNet, images: Float32Array[], shape: number[], cls: number, batchSize: number, device: string): number[] {
  const out: number[] = [];
  const per = shape.reduce((a, b) => a * b, 1);
  for (let s = 0; s < images.length; s += batchSize) {
    const chunk = images.slice(s, s + batchSize);
    const data = new Float32Array(chunk.length * per);
    chunk.forEach((im, i) => data.set(im, i * per));
    const p = tidy(() => softmax(net.forward(tensor(data, { shape: [chunk.length, ...shape], device })), 1).select(1, cls).data() as Float32Array);
    out.push(...Array.from(p));
  }
  return out;
}

/** ROAD curves of each image of `input` [N,C,H,W] under its map ([N,H,W]) for the class given per image. */
export function road(net: CamNet, input: Tensor, maps: Tensor, classes: readonly number[], options: RoadOptions = {}): RoadCurves[] {
  const percentiles = [...(options.percentiles ?? [10, 20, 30, 40, 50, 60, 70, 80, 90])];
  if (percentiles.length === 0 || percentiles.some((p) => !(p > 0 && p < 100))) throw new OptionError('percentiles', `must be in (0, 100), got ${percentiles.join(', ')}`);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new OptionError('batchSize', `must be a positive integer, got ${batchSize}`);
  if (input.ndim !== 4) throw new OptionError('input', `must be [N,C,H,W], got [${input.shape.join(',')}]`);
  const [n, c, h, w] = input.shape;
  if (maps.shape.join(',') !== [n, h, w].join(',')) throw new OptionError('maps', `must be [${n},${h},${w}] like the input, got [${maps.shape.join(',')}]`);
  if (classes.length !== n) throw new OptionError('classes', `${classes.length} classes for ${n} images`);
  const hw = h * w;
  const wasTraining = net.training;
  net.eval();
  try {
    return noGrad(() =>
      Array.from({ length: n }, (_, i) => {
        const rng = Rng.derive(options.seed ?? 0, i);
        const planes = tidy(() => input.select(0, i).cpu().float().contiguous().data() as Float32Array);
        const rank = saliencyRank(tidy(() => maps.select(0, i).cpu().float().data() as Float32Array));
        const variant = (mostFirst: boolean, pct: number): Float32Array => {
          const k = Math.round((pct / 100) * hw);
          const removed = new Uint8Array(hw);
          for (let p = 0; p < hw; p++) removed[p] = (mostFirst ? rank[p] < k : rank[p] >= hw - k) ? 1 : 0;
          return noisyLinearImpute(planes, c, h, w, removed, options.noise ?? 0.01, rng);
        };
        const morf = probabilities(net, percentiles.map((p) => variant(true, p)), [c, h, w], classes[i], batchSize, input.device);
        const lerf = probabilities(net, percentiles.map((p) => variant(false, p)), [c, h, w], classes[i], batchSize, input.device);
        const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
        return { percentiles, morf, lerf, morfMean: mean(morf), lerfMean: mean(lerf), gap: mean(lerf) - mean(morf) };
      }),
    );
  } finally {
    if (wasTraining) net.train();
  }
}
