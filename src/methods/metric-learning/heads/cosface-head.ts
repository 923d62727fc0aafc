// CosFace (large-margin cosine loss): target logit s·(cos θ − m) (Wang et al., CVPR 2018,
// arXiv 1801.09414, eq. 4).
import type { Tensor } from '../../../engine/index.js';
import { CosineMarginHead, type CosineHeadOptions } from './cosine-head.js';

export interface CosFaceOptions extends CosineHeadOptions {
  /** Cosine margin m. @default 0.35 */
  margin?: number;
}

export class CosFaceHead extends CosineMarginHead {
  readonly name = 'cosface';
  readonly margin: number;
  constructor(o: CosFaceOptions) {
    super(o);
    this.margin = o.margin ?? 0.35;
    if (!(this.margin >= 0)) throw new RangeError(`CosFace: margin must be ≥ 0, got ${this.margin}`);
  }
  protected marginCosine(cos: Tensor): Tensor {
    return cos.sub(this.margin);
  }
}
