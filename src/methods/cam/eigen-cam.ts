// Eigen-CAM: the projection of the (channel-vector) activations on their first principal
// component; no target, no gradients (Muhammad & Yeasin, arXiv 2008.00299, Eq. 3-4). The sign of
// a principal component is arbitrary; it is chosen here so the map correlates positively with the
// channel-summed activation (equivalently, the component's entries sum to ≥ 0).
import { Tensor, callOp, opId } from '../../engine/tensor.js';
import { cat } from '../../engine/tensor-shape.js';
import { tidy } from '../../engine/scope.js';
import { BaseCam } from './base-cam.js';
import type { CamLayerInput } from './types.js';

export class EigenCam extends BaseCam {
  readonly name = 'eigencam';
  readonly title = 'Eigen-CAM';
  readonly reference = 'arXiv:2008.00299';
  override readonly usesGradients = false;
  /** The map does not depend on the target at all. */
  readonly scaleInvariant = true;
  override layerMap(input: CamLayerInput): Tensor {
    return tidy(() => {
      const [n, k, h, w] = input.activations.shape;
      const maps: Tensor[] = [];
      for (let i = 0; i < n; i++) {
        const x = input.activations.select(0, i).reshape([k, h * w]).t(); // [hw,K]
        const centred = x.sub(x.mean(0, true)).double();
        const [, , vh] = callOp(opId('linalg_svd'), centred, false) as Tensor[]; // Vh [K,K]
        let v = vh.select(0, 0); // [K]
        if (v.sum().item() < 0) v = v.neg();
        maps.push(centred.matmul(v.unsqueeze(1)).view([1, h, w]).to(input.activations.dtype));
      }
      return cat(maps, 0);
    });
  }
}
