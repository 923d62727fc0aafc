// A random training crop that, with a given probability, is centred on a foreground pixel of the
// mask (a uniformly drawn one), otherwise placed uniformly: the foreground oversampling that
// keeps sparse structures (a few hundred pixels of a 1024×768 slice) in the training batches.
import { cropImage, type CropParams, type RandomTransform, type Rng, type Sample, type SampleSize } from '../../data/index.js';
import { mapSample } from '../../data/transforms/transform.js';
import { OptionError } from '../../util/errors.js';

/** Drawn parameters: the uniform box, whether to centre on foreground, and which foreground pixel (a fraction of their count). */
export interface ForegroundCropParams extends CropParams {
  centre: boolean;
  pick: number;
}

/** A crop of side `size`; with probability `foregroundShare` centred on a foreground pixel (a mask without foreground falls back to the uniform box). */
export class RandForegroundCrop implements RandomTransform<ForegroundCropParams> {
  readonly name = 'RandForegroundCrop';
  constructor(
    private readonly size: number,
    private readonly foregroundShare: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new OptionError('size', `must be a positive integer, got ${size}`);
    if (!(foregroundShare >= 0 && foregroundShare <= 1)) throw new OptionError('foregroundShare', `must be in [0, 1], got ${foregroundShare}`);
  }
  // Every parameter is drawn here, from the size alone, so the draw sequence does not depend on the data.
  randomize(rng: Rng, s: SampleSize): ForegroundCropParams {
    if (s.height < this.size || s.width < this.size) throw new OptionError('size', `crop ${this.size}x${this.size} is larger than the ${s.width}x${s.height} image`);
    const x = rng.int(s.width - this.size + 1);
    const y = rng.int(s.height - this.size + 1);
    const centre = rng.uniform(0, 1) < this.foregroundShare;
    return { x, y, width: this.size, height: this.size, centre, pick: rng.uniform(0, 1) };
  }
  apply(sample: Sample, p: ForegroundCropParams): Sample {
    const box = { x: p.x, y: p.y, width: p.width, height: p.height };
    const m = sample.mask;
    if (p.centre && m) {
      let n = 0;
      for (const v of m.data) if (v > 0) n++;
      if (n > 0) {
        const target = Math.min(n - 1, Math.floor(p.pick * n));
        let k = -1;
        let i = 0;
        for (; i < m.data.length; i++) if (m.data[i] > 0 && ++k === target) break;
        const cy = Math.floor(i / m.width);
        const cx = i % m.width;
        box.x = Math.max(0, Math.min(m.width - p.width, cx - Math.floor(p.width / 2)));
        box.y = Math.max(0, Math.min(m.height - p.height, cy - Math.floor(p.height / 2)));
      }
    }
    return mapSample(sample, (img) => cropImage(img, box));
  }
  outputSize(s: SampleSize, p: ForegroundCropParams): SampleSize {
    return { ...s, height: p.height, width: p.width };
  }
}
