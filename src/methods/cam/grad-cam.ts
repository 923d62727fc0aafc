// Grad-CAM: channel weight = spatial mean of d(target)/d(activation) (Selvaraju et al.,
// arXiv 1610.02391, Eq. 1).
import type { Tensor } from '../../engine/tensor.js';
import { BaseCam } from './base-cam.js';
import type { CamLayerInput } from './types.js';

export class GradCam extends BaseCam {
  readonly name = 'gradcam';
  readonly title = 'Grad-CAM';
  readonly reference = 'arXiv:1610.02391';
  readonly scaleInvariant = true;
  protected override channelWeights(input: CamLayerInput): Tensor {
    return this.gradients(input).mean([2, 3]);
  }
}
