// Grad-CAM++: pixel-wise weights α = g² / (2g² + Σ_ij A · g³) on the positive gradients, summed
// over the map (Chattopadhay et al., arXiv 1710.11063, Eq. 19 with the exponential-score
// closed form). α is set to 0 where the gradient or the denominator is 0 (no epsilon: one would
// dominate g² for the small gradients of a confident network).
import type { Tensor } from '../../engine/tensor.js';
import { tidy } from '../../engine/scope.js';
import { BaseCam } from './base-cam.js';
import type { CamLayerInput } from './types.js';

export class GradCamPlusPlus extends BaseCam {
  readonly name = 'gradcam++';
  readonly title = 'Grad-CAM++';
  readonly reference = 'arXiv:1710.11063';
  /** α mixes g² and g³, so scaling the target by c changes the relative weights. */
  readonly scaleInvariant = false;
  protected override channelWeights(input: CamLayerInput): Tensor {
    return tidy(() => {
      const g = this.gradients(input); // [N,K,h,w]
      const g2 = g.square();
      const g3 = g2.mul(g);
      const sumA = input.activations.sum([2, 3], true); // [N,K,1,1]
      const den = g2.mul(2).add(sumA.mul(g3));
      const ok = den.ne(0).logicalAnd(g.ne(0));
      const alpha = g2.div(den.where(ok, 1)).where(ok, 0);
      return g.relu().mul(alpha).sum([2, 3]);
    });
  }
}
