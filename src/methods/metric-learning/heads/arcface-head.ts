// ArcFace: additive angular margin, target logit s·cos(θ + m) (Deng et al., CVPR 2019,
// arXiv 1801.07698, eq. 3). Past θ > π − m, where cos(θ + m) would rise again, the target uses
// cos θ − m·sin m instead (insightface's fallback), so the target logit keeps decreasing in θ.
import type { Tensor } from '../../../engine/index.js';
import { CosineMarginHead, type CosineHeadOptions } from './cosine-head.js';

export interface ArcFaceOptions extends CosineHeadOptions {
  /** Angular margin m in radians. @default 0.5 */
  margin?: number;
}

export class ArcFaceHead extends CosineMarginHead {
  readonly name: string = 'arcface';
  readonly margin: number;
  constructor(o: ArcFaceOptions) {
    super(o);
    this.margin = o.margin ?? 0.5;
    if (!(this.margin >= 0 && this.margin < Math.PI / 2)) throw new RangeError(`ArcFace: margin must be in [0, π/2), got ${this.margin}`);
  }
  protected marginCosine(cos: Tensor): Tensor {
    const m = this.margin;
    // cos(θ + m) = cos θ·cos m − sin θ·sin m, sin θ = √(1 − cos²θ) ≥ 0 for θ ∈ [0, π];
    // the clamp keeps √'s gradient finite at |cos θ| = 1.
    const sin = cos.square().neg().add(1).clampMin(1e-12).sqrt();
    const shifted = cos.mul(Math.cos(m)).sub(sin.mul(Math.sin(m)));
    const fallback = cos.sub(m * Math.sin(m));
    return shifted.where(cos.gt(Math.cos(Math.PI - m)), fallback);
  }
}
