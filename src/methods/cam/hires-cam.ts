// HiResCAM: the element-wise product of gradient and activation summed over channels, with no
// spatial averaging of the gradient (Draelos & Carin, arXiv 2011.08891, Eq. 5).
import type { Tensor } from '../../engine/tensor.js';
import { tidy } from '../../engine/scope.js';
import { BaseCam } from './base-cam.js';
import type { CamLayerInput } from './types.js';

export class HiResCam extends BaseCam {
  readonly name = 'hirescam';
  readonly title = 'HiResCAM';
  readonly reference = 'arXiv:2011.08891';
  readonly scaleInvariant = true;
  override layerMap(input: CamLayerInput): Tensor {
    return tidy(() => this.gradients(input).mul(input.activations).sum(1));
  }
}
