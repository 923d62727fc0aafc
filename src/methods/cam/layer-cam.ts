// LayerCAM: the activation weighted pixel by pixel by its positive gradient, summed over channels
// (Jiang et al., IEEE TIP 30:5875, 2021, doi:10.1109/TIP.2021.3089943, Eq. 6-7).
import type { Tensor } from '../../engine/tensor.js';
import { tidy } from '../../engine/scope.js';
import { BaseCam } from './base-cam.js';
import type { CamLayerInput } from './types.js';

export class LayerCam extends BaseCam {
  readonly name = 'layercam';
  readonly title = 'LayerCAM';
  readonly reference = 'doi:10.1109/TIP.2021.3089943';
  readonly scaleInvariant = true;
  override layerMap(input: CamLayerInput): Tensor {
    return tidy(() => this.gradients(input).relu().mul(input.activations).sum(1));
  }
}
