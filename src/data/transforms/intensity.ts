// Random intensity changes of the image only (masks pass through): brightness/contrast, Gaussian noise.
import { OptionError } from '../../util/errors.js';
import { Rng } from '../rng.js';
import type { Sample } from '../types.js';
import { checkProb, type RandomTransform } from './transform.js';

/** Options of `RandBrightnessContrast`. */
export interface RandBrightnessContrastOptions {
  /** Probability of changing the image at all. @default 0.5 */
  prob?: number;
  /** Largest brightness shift: added offset uniform in [-brightness, brightness]. @default 0.1 */
  brightness?: number;
  /** Largest contrast change: factor uniform in [1 - contrast, 1 + contrast]. @default 0.1 */
  contrast?: number;
}

/** Parameters of `RandBrightnessContrast`: v' = (v - mean) * contrast + mean + brightness, mean over the image. */
export interface BrightnessContrastParams {
  brightness: number;
  contrast: number;
}

/** Random brightness offset and contrast factor (about the image mean). */
export class RandBrightnessContrast implements RandomTransform<BrightnessContrastParams> {
  readonly name = 'RandBrightnessContrast';
  private readonly o: Required<RandBrightnessContrastOptions>;
  constructor(options: RandBrightnessContrastOptions = {}) {
    this.o = { prob: 0.5, brightness: 0.1, contrast: 0.1, ...options };
    checkProb(this.o.prob);
    if (!(this.o.brightness >= 0)) throw new OptionError('brightness', `must be >= 0, got ${this.o.brightness}`);
    if (!(this.o.contrast >= 0 && this.o.contrast < 1)) throw new OptionError('contrast', `must be in [0, 1), got ${this.o.contrast}`);
  }
  randomize(rng: Rng): BrightnessContrastParams {
    if (!rng.bool(this.o.prob)) return { brightness: 0, contrast: 1 };
    return { brightness: rng.uniform(-this.o.brightness, this.o.brightness), contrast: rng.uniform(1 - this.o.contrast, 1 + this.o.contrast) };
  }
  apply(sample: Sample, p: BrightnessContrastParams): Sample {
    const d = sample.image.data;
    let mean = 0;
    for (let i = 0; i < d.length; i++) mean += d[i];
    mean /= d.length || 1;
    const data = d.map((v) => (v - mean) * p.contrast + mean + p.brightness);
    return { ...sample, image: { ...sample.image, data } };
  }
}

/** Options of `RandGaussianNoise`. */
export interface RandGaussianNoiseOptions {
  /** Probability of adding noise. @default 0.5 */
  prob?: number;
  /** Standard deviation of the noise. @default 0.05 */
  std?: number;
}

/** Parameters of `RandGaussianNoise`: the noise field is drawn from `seed` when applied. */
export interface GaussianNoiseParams {
  /** 0 means no noise. */
  std: number;
  seed: number;
}

/** Additive Gaussian noise on the image; the parameters carry a seed, so applying is deterministic. */
export class RandGaussianNoise implements RandomTransform<GaussianNoiseParams> {
  readonly name = 'RandGaussianNoise';
  private readonly prob: number;
  private readonly std: number;
  constructor(options: RandGaussianNoiseOptions = {}) {
    this.prob = checkProb(options.prob ?? 0.5);
    this.std = options.std ?? 0.05;
    if (!(this.std >= 0)) throw new OptionError('std', `must be >= 0, got ${this.std}`);
  }
  randomize(rng: Rng): GaussianNoiseParams {
    const on = rng.bool(this.prob);
    return { std: on ? this.std : 0, seed: rng.nextU32() };
  }
  apply(sample: Sample, p: GaussianNoiseParams): Sample {
    const src = sample.image.data;
    if (p.std === 0) return { ...sample, image: { ...sample.image, data: src.slice() } };
    const r = new Rng(p.seed);
    const data = src.map((v) => v + p.std * r.normal());
    return { ...sample, image: { ...sample.image, data } };
  }
}
