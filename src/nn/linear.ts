// Fully connected layer y = x Wᵀ + b with PyTorch's default initialisation.
import { Tensor } from '../engine/tensor.js';
import { empty } from '../engine/creation.js';
import { Module } from './module.js';
import { defaultLayerInit_ } from './init.js';
import { linear } from './functional.js';

export class Linear extends Module {
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    /** @default true */ bias = true,
  ) {
    super();
    const w = this.registerParameter('weight', empty([outFeatures, inFeatures]))!;
    const b = bias ? this.registerParameter('bias', empty([outFeatures])) : undefined;
    defaultLayerInit_(w, b);
  }
  get weight(): Tensor {
    return this.param('weight');
  }
  get bias(): Tensor | undefined {
    return this.paramOrUndefined('bias');
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
