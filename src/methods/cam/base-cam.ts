// The shared shape of most CAM methods: a weight per channel, then the weighted sum of the layer's
// activation maps. A method overrides channelWeights, or layerMap when it is not a weighted sum.
import type { Tensor } from '../../engine/tensor.js';
import { tidy } from '../../engine/scope.js';
import type { CamLayerInput, CamMethod } from './types.js';

export abstract class BaseCam implements CamMethod {
  abstract readonly name: string;
  abstract readonly title: string;
  abstract readonly reference: string;
  readonly usesGradients: boolean = true;
  abstract readonly scaleInvariant: boolean;

  /** Channel weights [N,K] for the weighted sum. */
  protected channelWeights(_input: CamLayerInput): Tensor {
    throw new Error(`${this.name}: implement channelWeights or layerMap`);
  }

  /** Σ_k w_k · A_k: [N,h,w]. */
  layerMap(input: CamLayerInput): Tensor {
    return tidy(() => {
      const w = this.channelWeights(input); // [N,K]
      return input.activations.mul(w.unsqueeze(-1).unsqueeze(-1)).sum(1);
    });
  }

  /** The gradients, or a clear error when the pipeline did not provide them. */
  protected gradients(input: CamLayerInput): Tensor {
    if (input.gradients === undefined) throw new Error(`${this.name}: needs gradients`);
    return input.gradients;
  }
}
