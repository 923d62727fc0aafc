// Fully connected layer y = x Wᵀ + b with PyTorch's default initialisation.
import { Tensor } from '../engine/tensor.js';
import { WeightedLayer } from './weighted-layer.js';
import { linear } from './functional.js';

export class Linear extends WeightedLayer {
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    /** @default true */ bias = true,
  ) {
    super();
    this.initWeightBias([outFeatures, inFeatures], outFeatures, bias);
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
