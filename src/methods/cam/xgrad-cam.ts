// XGrad-CAM: channel weight = Σ_ij(g · A) / Σ_ij A, from the sensitivity and conservation axioms
// (Fu et al., arXiv 2008.02312, Eq. 9).
import type { Tensor } from '../../engine/tensor.js';
import { tidy } from '../../engine/scope.js';
import { BaseCam } from './base-cam.js';
import type { CamLayerInput } from './types.js';

/** Keeps the denominator away from 0 for channels that are all zero. */
export const XGRAD_CAM_EPS = 1e-7;

export class XGradCam extends BaseCam {
  readonly name = 'xgradcam';
  readonly title = 'XGrad-CAM';
  readonly reference = 'arXiv:2008.02312';
  readonly scaleInvariant = true;
  protected override channelWeights(input: CamLayerInput): Tensor {
    return tidy(() => {
      const a = input.activations;
      return this.gradients(input).mul(a).sum([2, 3]).div(a.sum([2, 3]).add(XGRAD_CAM_EPS));
    });
  }
}
