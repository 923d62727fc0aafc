// Degraded copies of an input image, to spread the true Dice of a network's output over images for
// the label-free quality estimate: additive Gaussian noise (σ in intensity units of the [0, 1]
// image), Gaussian blur (σ in pixels, src/data/gaussian.ts truncated at 3σ, edges reflected) and contrast
// reduction about the image mean (v' = mean + c·(v − mean)); results are clipped to [0, 1].
import { Rng, type ImageTensorLike } from '../../data/index.js';
import { gaussianSmooth } from '../../data/gaussian.js';
import { OptionError } from '../../util/errors.js';

export const DEGRADATION_KINDS = ['none', 'noise', 'blur', 'contrast'] as const;
export type DegradationKind = (typeof DEGRADATION_KINDS)[number];

export interface Degradation {
  kind: DegradationKind;
  /** σ of the noise or blur, or the contrast factor; 0 for 'none'. */
  amount: number;
  /** e.g. 'noise:0.1'. */
  name: string;
}

/** Parses 'none,noise:0.1,blur:2,contrast:0.5' (option name for errors: `option`). */
export function parseDegradations(text: string, option = '--degrade'): Degradation[] {
  const out: Degradation[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    if (part === 'none') {
      out.push({ kind: 'none', amount: 0, name: 'none' });
      continue;
    }
    const m = /^(noise|blur|contrast):(\d+(?:\.\d+)?|\.\d+)$/.exec(part);
    if (!m) throw new OptionError(option, `expected none, noise:σ, blur:σ or contrast:c (comma-separated), got '${part}'`);
    const amount = Number(m[2]);
    if (m[1] === 'contrast' && !(amount > 0 && amount <= 1)) throw new OptionError(option, `contrast factor must be in (0, 1], got ${amount}`);
    if (m[1] !== 'contrast' && !(amount > 0)) throw new OptionError(option, `${m[1]} σ must be positive, got ${amount}`);
    out.push({ kind: m[1] as DegradationKind, amount, name: part });
  }
  if (out.length === 0) throw new OptionError(option, 'lists no degradation (use none)');
  return out;
}

/** The image degraded by `d`; noise draws from `rng`. */
export function degrade(img: ImageTensorLike, d: Degradation, rng: Rng): ImageTensorLike {
  const { channels: C, height: H, width: W } = img;
  const n = H * W;
  const out = new Float32Array(img.data.length);
  for (let c = 0; c < C; c++) {
    let plane: Float32Array = img.data.slice(c * n, (c + 1) * n);
    if (d.kind === 'noise') {
      for (let i = 0; i < n; i++) plane[i] += d.amount * rng.normal();
    } else if (d.kind === 'blur') {
      plane = Float32Array.from(gaussianSmooth(Float64Array.from(plane), W, H, 1, d.amount, 3));
    } else if (d.kind === 'contrast') {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += plane[i];
      mean /= n;
      for (let i = 0; i < n; i++) plane[i] = mean + d.amount * (plane[i] - mean);
    }
    for (let i = 0; i < n; i++) out[c * n + i] = Math.min(1, Math.max(0, plane[i]));
  }
  return { ...img, data: out };
}
